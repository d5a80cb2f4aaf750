// One customer: what to remember about them first (preferences), then contact points, the ladder with
// its history, value, relationship, consent, custom fields and (organizations) contacts.
import { Alert, Button, Grid, Group, Menu, Paper, Stack, Text, Title, ActionIcon, Badge } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import {
  IconArrowsUpDown,
  IconBuilding,
  IconDots,
  IconEdit,
  IconHeartHandshake,
  IconStar,
  IconTrash,
  IconUser,
} from "@tabler/icons-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";

import { useCan } from "../../api/me";
import { DateText } from "../../components/date-text";
import { LoadFailure } from "../../components/status-pages";
import { PageSkeleton } from "../../components/skeletons";
import { notifySuccess } from "../../components/notify";
import { ContactsSection } from "./contacts-section";
import { ConsentTable, ContactDetails, CustomFieldDetails, RelationshipDetails, ValueDetails } from "./customer-details";
import { CustomerExtraActions } from "./customer-extra-actions";
import { useCustomer, useCustomFields, useColleagues, useDeleteCustomer } from "./queries";
import { StageBadge } from "./stage-badge";
import { StageHistory } from "./stage-history";
import { StageMoveDialog } from "./stage-move-dialog";

function Section({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Paper>
  );
}

export function CustomerPage() {
  const { customerId = "" } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const query = useCustomer(customerId);
  const fields = useCustomFields();
  const canWrite = useCan("customers:write");
  const { ownerName } = useColleagues([query.data?.data.owner_id]);
  const [moving, { open: openMove, close: closeMove }] = useDisclosure();
  const remove = useDeleteCustomer(customerId);

  if (query.isPending) return <PageSkeleton />;
  if (query.isError) return <LoadFailure error={query.error} onRetry={() => void query.refetch()} />;
  const { data: customer, etag } = query.data;
  const KindIcon = customer.kind === "organization" ? IconBuilding : IconUser;

  const destroy = () => {
    if (!window.confirm(t("customers.deleteConfirm", { name: customer.display_name }))) return;
    remove.mutate(etag, {
      onSuccess: () => {
        notifySuccess(t("customers.deleted", { name: customer.display_name }));
        navigate("/customers");
      },
    });
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="xs" wrap="nowrap">
            <KindIcon size={24} aria-label={t(`kinds.${customer.kind}`)} />
            <Title order={1} size="h2">
              {customer.display_name}
            </Title>
            {customer.is_key ? <IconStar size={20} color="var(--mantine-color-yellow-6)" aria-label={t("customers.key")} /> : null}
          </Group>
          <Group gap="xs">
            <StageBadge stage={customer.stage} size="md" />
            {customer.importance_tier ? <Badge variant="outline">{t(`tiers.${customer.importance_tier}`)}</Badge> : null}
            {customer.kind === "person" && customer.organization_name ? (
              <Text size="sm" c="dimmed">
                {[customer.job_title, customer.organization_name].filter(Boolean).join(" · ")}
              </Text>
            ) : null}
            <Text size="xs" c="dimmed">
              {t("customers.details.since")} <DateText value={customer.created_at} />
            </Text>
          </Group>
        </Stack>
        {canWrite ? (
          <Group gap="xs">
            <Button variant="default" leftSection={<IconArrowsUpDown size={16} />} onClick={openMove}>
              {t("customers.move.open")}
            </Button>
            <Button component={Link} to={`/customers/${customer.id}/edit`} leftSection={<IconEdit size={16} />}>
              {t("common.edit")}
            </Button>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="default" size="lg" aria-label={t("common.more")}>
                  <IconDots size={18} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <CustomerExtraActions customer={customer} etag={etag} />
                <Menu.Divider />
                <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={destroy}>
                  {t("common.delete")}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        ) : null}
      </Group>

      {customer.preferences.length ? (
        <Alert
          color="yellow"
          variant="light"
          icon={<IconHeartHandshake size={20} />}
          title={t("customers.details.remember")}
          data-testid="customer-preferences"
        >
          <Group gap="xs">
            {customer.preferences.map((p) => (
              <Badge key={p} color="yellow" variant="filled" size="lg" tt="none">
                {p}
              </Badge>
            ))}
          </Group>
        </Alert>
      ) : null}

      <Grid gutter="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Section title={t("customers.details.contact")}>
              <ContactDetails customer={customer} />
            </Section>
            <Section title={t("customers.form.relationship")}>
              <RelationshipDetails customer={customer} ownerName={ownerName} />
            </Section>
            {customer.kind === "organization" ? (
              <Section title={t("customers.contacts.title")}>
                <ContactsSection organizationId={customer.id} canWrite={canWrite} />
              </Section>
            ) : null}
            {fields.data?.length ? (
              <Section title={t("customers.form.customFields")}>
                <CustomFieldDetails customer={customer} fields={fields.data} />
              </Section>
            ) : null}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Section
              title={t("customers.history.title")}
              action={
                canWrite ? (
                  <Button size="compact-sm" variant="subtle" onClick={openMove}>
                    {t("customers.move.short")}
                  </Button>
                ) : undefined
              }
            >
              <StageHistory customerId={customer.id} />
            </Section>
            <Section title={t("customers.value.title")}>
              <ValueDetails customerId={customer.id} />
            </Section>
            <Section title={t("customers.form.consent")}>
              <ConsentTable customer={customer} />
            </Section>
          </Stack>
        </Grid.Col>
      </Grid>

      {canWrite ? (
        <StageMoveDialog
          customer={customer}
          etag={etag}
          opened={moving}
          onClose={closeMove}
          onReload={() => void query.refetch()}
        />
      ) : null}
    </Stack>
  );
}
