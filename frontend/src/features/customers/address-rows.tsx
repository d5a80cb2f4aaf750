// Postal addresses: several per customer, one primary, edited like the e-mails and phones beside them.
import { ActionIcon, Button, Group, Paper, Radio, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../../lib/use-format";
import { type AddressRow, emptyAddress } from "./form-model";

interface Props {
  rows: AddressRow[];
  onChange: (rows: AddressRow[]) => void;
  errors: Record<string, string>;
}

function withPrimary(rows: AddressRow[], index: number): AddressRow[] {
  return rows.map((row, i) => ({ ...row, is_primary: i === index }));
}

function without(rows: AddressRow[], index: number): AddressRow[] {
  const left = rows.filter((_, i) => i !== index);
  if (left.length && !left.some((row) => row.is_primary)) return withPrimary(left, 0);
  return left;
}

export function AddressRows({ rows, onChange, errors }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const update = (index: number, change: Partial<AddressRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  return (
    <Stack gap="xs" role="group" aria-label={t("customers.form.addresses")}>
      <Text fw={500} size="sm">
        {t("customers.form.addresses")}
      </Text>
      {errors.addresses ? (
        <Text c="red" size="xs" role="alert">
          {errors.addresses}
        </Text>
      ) : null}
      {rows.map((row, index) => {
        const n = format.number(index + 1);
        const error = (part: keyof AddressRow) => errors[`addresses.${index}.${part}`];
        return (
          <Paper key={index} withBorder radius="sm" p="sm" role="group" aria-label={t("customers.form.address", { n })}>
            <Group justify="space-between" mb={4}>
              <Text size="sm" c="dimmed">
                {t("customers.form.address", { n })}
              </Text>
              <Group gap="xs">
                <Radio
                  label={t("common.primary")}
                  aria-label={t("customers.form.addressPrimary", { n })}
                  checked={row.is_primary}
                  onChange={() => onChange(withPrimary(rows, index))}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t("customers.form.removeAddress", { n })}
                  onClick={() => onChange(without(rows, index))}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing="xs">
              <TextInput
                label={t("customers.form.addressLine1")}
                required
                autoComplete="off"
                value={row.line1}
                onChange={(e) => update(index, { line1: e.currentTarget.value })}
                error={error("line1")}
              />
              <TextInput
                label={t("customers.form.addressLine2")}
                autoComplete="off"
                value={row.line2}
                onChange={(e) => update(index, { line2: e.currentTarget.value })}
                error={error("line2")}
              />
              <TextInput
                label={t("customers.form.addressCity")}
                autoComplete="off"
                value={row.city}
                onChange={(e) => update(index, { city: e.currentTarget.value })}
                error={error("city")}
              />
              <TextInput
                label={t("customers.form.addressRegion")}
                autoComplete="off"
                value={row.region}
                onChange={(e) => update(index, { region: e.currentTarget.value })}
                error={error("region")}
              />
              <TextInput
                label={t("customers.form.addressPostalCode")}
                dir="ltr"
                autoComplete="off"
                value={row.postal_code}
                onChange={(e) => update(index, { postal_code: e.currentTarget.value })}
                error={error("postal_code")}
              />
              <Group gap="xs" align="flex-start" grow>
                <TextInput
                  label={t("customers.form.addressCountry")}
                  placeholder="IR"
                  dir="ltr"
                  maxLength={2}
                  autoComplete="off"
                  value={row.country}
                  onChange={(e) => update(index, { country: e.currentTarget.value.toUpperCase() })}
                  error={error("country")}
                />
                <TextInput
                  label={t("customers.form.addressLabel")}
                  placeholder={t("customers.form.addressLabelPlaceholder")}
                  autoComplete="off"
                  value={row.label}
                  onChange={(e) => update(index, { label: e.currentTarget.value })}
                  error={error("label")}
                />
              </Group>
            </SimpleGrid>
          </Paper>
        );
      })}
      <Button
        variant="subtle"
        size="compact-sm"
        leftSection={<IconPlus size={14} />}
        onClick={() => onChange([...rows, emptyAddress(rows.length === 0)])}
        style={{ alignSelf: "flex-start" }}
      >
        {t("customers.form.addAddress")}
      </Button>
    </Stack>
  );
}
