// Read-only sections of the customer page.
import { Anchor, Badge, Group, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import type { CustomerRead, CustomFieldRead } from "../../api/types";
import { DateText } from "../../components/date-text";
import { useFormat } from "../../lib/use-format";
import { useFieldLabel } from "./custom-field-inputs";
import { CHANNELS } from "./ladder";
import { useCustomerName, useCustomerValue, useStrategy } from "./queries";

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children ?? "—"}
      </Text>
    </div>
  );
}

export function ContactDetails({ customer }: { customer: CustomerRead }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Stack gap="sm">
      <Field label={t("customers.form.emails")}>
        {customer.emails.length
          ? customer.emails.map((e) => (
              <Group key={e.email} gap={6}>
                <Anchor href={`mailto:${e.email}`} dir="ltr" className="ltr" size="sm">
                  {e.email}
                </Anchor>
                {e.label ? <Text size="xs" c="dimmed">{e.label}</Text> : null}
                {e.is_primary && customer.emails.length > 1 ? <Badge size="xs" variant="light">{t("common.primary")}</Badge> : null}
              </Group>
            ))
          : null}
      </Field>
      <Field label={t("customers.form.phones")}>
        {customer.phones.length
          ? customer.phones.map((p) => (
              <Group key={p.e164} gap={6}>
                <Anchor href={`tel:${p.e164}`} dir="ltr" className="ltr" size="sm">
                  {format.digits(p.e164)}
                </Anchor>
                {p.label ? <Text size="xs" c="dimmed">{p.label}</Text> : null}
                {p.is_primary && customer.phones.length > 1 ? <Badge size="xs" variant="light">{t("common.primary")}</Badge> : null}
              </Group>
            ))
          : null}
      </Field>
      {customer.addresses.length ? (
        <Field label={t("customers.details.addresses")}>
          {customer.addresses.map((a, i) => (
            <Group key={i} gap={6}>
              <Text size="sm">
                {[a.line1, a.line2, a.city, a.region].filter(Boolean).join(t("common.separator"))}
                {a.postal_code ? (
                  <>
                    {t("common.separator")}
                    <bdi dir="ltr">{format.digits(a.postal_code)}</bdi>
                  </>
                ) : null}
                {a.country ? `${t("common.separator")}${a.country}` : ""}
              </Text>
              {a.label ? <Text size="xs" c="dimmed">{a.label}</Text> : null}
              {a.is_primary && customer.addresses.length > 1 ? <Badge size="xs" variant="light">{t("common.primary")}</Badge> : null}
            </Group>
          ))}
        </Field>
      ) : null}
      <SimpleGrid cols={2} spacing="sm">
        <Field label={t("customers.form.preferredChannel")}>
          {customer.preferred_channel ? t(`channels.${customer.preferred_channel}`, customer.preferred_channel) : null}
        </Field>
        <Field label={t("customers.form.language")}>
          {customer.language === "fa" ? "فارسی" : customer.language === "en" ? "English" : null}
        </Field>
        {customer.kind === "person" ? (
          <Field label={t("customers.form.birthday")}>{customer.birthday ? <DateText value={customer.birthday} /> : null}</Field>
        ) : null}
        {customer.job_title ? <Field label={t("customers.form.jobTitle")}>{customer.job_title}</Field> : null}
      </SimpleGrid>
    </Stack>
  );
}

function ReferrerLink({ id }: { id: string }) {
  const name = useCustomerName(id);
  return (
    <Anchor component={Link} to={`/customers/${id}`} size="sm">
      {name.data ?? "…"}
    </Anchor>
  );
}

export function RelationshipDetails({ customer, ownerName }: { customer: CustomerRead; ownerName: (id: string | null) => string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const strategy = useStrategy(customer.id);
  const utm = Object.entries(customer.utm).filter(([, v]) => typeof v === "string" && v);
  return (
    <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
      <Field label={t("customers.form.owner")}>{ownerName(customer.owner_id) || null}</Field>
      <Field label={t("customers.form.tier")}>{customer.importance_tier ? t(`tiers.${customer.importance_tier}`) : null}</Field>
      <Field label={t("customers.details.strategy")}>
        {strategy.data ? (
          <>
            {t(`strategies.${strategy.data.effective}`)}
            {strategy.data.override && strategy.data.override !== strategy.data.recommended ? (
              <Text span size="xs" c="dimmed">
                {" "}
                ({t("customers.details.recommended", { strategy: t(`strategies.${strategy.data.recommended}`) })})
              </Text>
            ) : null}
          </>
        ) : null}
      </Field>
      <Field label={t("customers.details.source")}>
        {customer.source_channel || customer.source_ref
          ? [customer.source_channel, customer.source_ref].filter(Boolean).join(" · ")
          : null}
        {utm.length ? (
          <Text size="xs" c="dimmed" className="ltr" dir="ltr">
            {utm.map(([k, v]) => `utm_${k}=${String(v)}`).join(" ")}
          </Text>
        ) : null}
      </Field>
      {customer.referrer_id ? (
        <Field label={t("customers.details.referrer")}>
          <ReferrerLink id={customer.referrer_id} />
        </Field>
      ) : null}
      <Field label={t("customers.form.tags")}>
        {customer.tags.length ? (
          <Group gap={4}>
            {customer.tags.map((tag) => (
              <Badge key={tag} variant="outline" color="gray" size="sm">
                {tag}
              </Badge>
            ))}
          </Group>
        ) : null}
      </Field>
      <Field label={t("customers.form.desiredOutcome")}>
        {customer.desired_outcome || customer.target_value ? (
          <>
            {customer.desired_outcome}
            {customer.target_value ? (
              <Text size="xs" c="dimmed">
                {t("customers.details.target", {
                  value: format.number(customer.target_value),
                  currency: customer.target_currency ?? "",
                })}
              </Text>
            ) : null}
          </>
        ) : null}
      </Field>
    </SimpleGrid>
  );
}

export function ValueDetails({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const value = useCustomerValue(customerId);
  const v = value.data;
  if (!v) return null;
  const rfm = [v.rfm_recency, v.rfm_frequency, v.rfm_monetary];
  return (
    <SimpleGrid cols={2} spacing="sm">
      <Field label={t("customers.value.revenue")}>
        {format.number(v.lifetime_revenue)} {v.currency}
      </Field>
      <Field label={t("customers.value.purchases")}>{format.number(v.purchase_count)}</Field>
      <Field label={t("customers.value.average")}>
        {v.average_order ? `${format.number(v.average_order)} ${v.currency}` : null}
      </Field>
      <Field label={t("customers.value.last")}>{v.last_purchase_at ? <DateText value={v.last_purchase_at} /> : null}</Field>
      <Field label={t("customers.value.rfm")}>
        {rfm.every((x) => x !== null) ? format.digits(rfm.join("-")) : null}
      </Field>
      <Field label={t("customers.value.key")}>
        {v.is_key ? v.key_reasons.map((r) => t(`customers.value.reasons.${r}`, r)).join(t("common.separator")) : t("common.no")}
      </Field>
    </SimpleGrid>
  );
}

export function ConsentTable({ customer }: { customer: CustomerRead }) {
  const { t } = useTranslation();
  return (
    <Table verticalSpacing={4} aria-label={t("customers.form.consent")}>
      <Table.Tbody>
        {CHANNELS.map((channel) => {
          const raw = customer.consent[channel] as { granted?: boolean; source?: string; at?: string } | undefined;
          return (
            <Table.Tr key={channel}>
              <Table.Td>{t(`channels.${channel}`)}</Table.Td>
              <Table.Td>
                {raw?.granted === true ? (
                  <Badge color="teal" variant="light" size="sm">
                    {t("customers.consent.granted")}
                  </Badge>
                ) : raw?.granted === false ? (
                  <Badge color="red" variant="light" size="sm">
                    {t("customers.consent.withdrawn")}
                  </Badge>
                ) : (
                  <Text size="xs" c="dimmed">
                    {t("customers.consent.unknown")}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {raw?.at ? <DateText value={raw.at} /> : null}
                  {raw?.source ? ` · ${raw.source}` : ""}
                </Text>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

export function CustomFieldDetails({ customer, fields }: { customer: CustomerRead; fields: CustomFieldRead[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const labelOf = useFieldLabel();
  const shown = fields.filter((f) => customer.custom_fields[f.key] !== undefined && customer.custom_fields[f.key] !== null);
  if (!shown.length) return <Text size="sm" c="dimmed">{t("customers.details.noCustomValues")}</Text>;
  return (
    <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
      {shown.map((field) => {
        const raw = customer.custom_fields[field.key];
        const text =
          field.type === "boolean"
            ? t(raw === true ? "common.yes" : "common.no")
            : field.type === "date" && typeof raw === "string"
              ? format.date(raw)
              : field.type === "number" && (typeof raw === "number" || typeof raw === "string")
                ? format.number(raw, 6)
                : String(raw);
        return (
          <Field key={field.key} label={labelOf(field)}>
            {text}
          </Field>
        );
      })}
    </SimpleGrid>
  );
}
