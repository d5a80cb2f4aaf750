import { Anchor, Badge, Group, Table, Text, useDirection } from "@mantine/core";
import { IconBuilding, IconStar, IconUser } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import type { CustomerSummary } from "../../api/types";
import { useFormat } from "../../lib/use-format";
import { StageBadge } from "./stage-badge";

interface Props {
  customers: CustomerSummary[];
  ownerName: (id: string | null) => string;
}

export function CustomerTable({ customers, ownerName }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  // E-mails and phones are left-to-right blocks (the "+" stays left, a long e-mail is cut at its end)
  // that still line up with the column's heading.
  const pageStart = useDirection().dir === "rtl" ? "right" : "left";
  return (
    <Table.ScrollContainer minWidth={360}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label={t("customers.list.table")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("customers.fields.name")}</Table.Th>
            <Table.Th>{t("customers.fields.stage")}</Table.Th>
            <Table.Th visibleFrom="md">{t("customers.fields.tier")}</Table.Th>
            <Table.Th visibleFrom="sm">{t("customers.fields.contact")}</Table.Th>
            <Table.Th visibleFrom="lg">{t("customers.fields.owner")}</Table.Th>
            <Table.Th visibleFrom="lg">{t("customers.fields.tags")}</Table.Th>
            <Table.Th visibleFrom="md">{t("customers.fields.created")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {customers.map((customer) => (
            <Table.Tr key={customer.id}>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  {customer.kind === "organization" ? (
                    <IconBuilding size={16} aria-label={t("kinds.organization")} />
                  ) : (
                    <IconUser size={16} aria-label={t("kinds.person")} />
                  )}
                  <Anchor component={Link} to={`/customers/${customer.id}`} fw={500}>
                    {customer.display_name}
                  </Anchor>
                  {customer.is_key ? (
                    <IconStar size={14} color="var(--mantine-color-yellow-6)" aria-label={t("customers.key")} />
                  ) : null}
                </Group>
                {customer.organization_name && customer.kind === "person" ? (
                  <Text size="xs" c="dimmed">
                    {customer.organization_name}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <StageBadge stage={customer.stage} />
              </Table.Td>
              <Table.Td visibleFrom="md" className="nowrap">
                {customer.importance_tier ? t(`tiers.${customer.importance_tier}`) : ""}
              </Table.Td>
              <Table.Td visibleFrom="sm">
                <Text size="sm" dir="ltr" ta={pageStart} truncate maw={260}>
                  {customer.primary_email ?? ""}
                </Text>
                {customer.primary_phone ? (
                  <Text size="xs" c="dimmed" dir="ltr" ta={pageStart}>
                    {format.digits(customer.primary_phone)}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td visibleFrom="lg">{ownerName(customer.owner_id)}</Table.Td>
              <Table.Td visibleFrom="lg">
                <Group gap={4}>
                  {customer.tags.slice(0, 3).map((tag) => (
                    <Badge key={tag} size="xs" variant="outline" color="gray">
                      {tag}
                    </Badge>
                  ))}
                  {customer.tags.length > 3 ? (
                    <Text size="xs" c="dimmed">
                      +{format.number(customer.tags.length - 3)}
                    </Text>
                  ) : null}
                </Group>
              </Table.Td>
              <Table.Td visibleFrom="md" className="nowrap">
                {format.instantDate(customer.created_at)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
