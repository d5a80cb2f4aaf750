// E-mails and phones: several per customer, one primary each.
import { ActionIcon, Button, Group, Radio, Stack, Text, TextInput } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../../lib/use-format";

import type { EmailRow, PhoneRow } from "./form-model";

interface RowsProps<T> {
  rows: T[];
  onChange: (rows: T[]) => void;
  errors: Record<string, string>;
}

function withPrimary<T extends { is_primary: boolean }>(rows: T[], index: number): T[] {
  return rows.map((row, i) => ({ ...row, is_primary: i === index }));
}

function without<T extends { is_primary: boolean }>(rows: T[], index: number): T[] {
  const left = rows.filter((_, i) => i !== index);
  if (left.length && !left.some((row) => row.is_primary)) return withPrimary(left, 0);
  return left;
}

export function EmailRows({ rows, onChange, errors }: RowsProps<EmailRow>) {
  const { t } = useTranslation();
  const format = useFormat();
  const update = (index: number, change: Partial<EmailRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  return (
    <Stack gap="xs" role="group" aria-label={t("customers.form.emails")}>
      <Text fw={500} size="sm">
        {t("customers.form.emails")}
      </Text>
      {errors.emails ? (
        <Text c="red" size="xs" role="alert">
          {errors.emails}
        </Text>
      ) : null}
      {rows.map((row, index) => (
        <Group key={index} align="flex-start" gap="xs" wrap="nowrap">
          <TextInput
            flex={2}
            type="email"
            dir="ltr"
            autoComplete="off"
            label={t("customers.form.email", { n: format.number(index + 1) })}
            value={row.email}
            onChange={(e) => update(index, { email: e.currentTarget.value })}
            error={errors[`emails.${index}.email`]}
          />
          <TextInput
            flex={1}
            label={t("customers.form.emailLabel", { n: format.number(index + 1) })}
            placeholder={t("customers.form.labelPlaceholder")}
            value={row.label}
            onChange={(e) => update(index, { label: e.currentTarget.value })}
            error={errors[`emails.${index}.label`]}
          />
          <Radio
            mt={32}
            label={t("common.primary")}
            aria-label={t("customers.form.emailPrimary", { n: format.number(index + 1) })}
            checked={row.is_primary}
            onChange={() => onChange(withPrimary(rows, index))}
          />
          <ActionIcon
            mt={28}
            variant="subtle"
            color="red"
            aria-label={t("customers.form.removeEmail", { n: format.number(index + 1) })}
            onClick={() => onChange(without(rows, index))}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Button
        variant="subtle"
        size="compact-sm"
        leftSection={<IconPlus size={14} />}
        onClick={() => onChange([...rows, { email: "", label: "", is_primary: rows.length === 0 }])}
        style={{ alignSelf: "flex-start" }}
      >
        {t("customers.form.addEmail")}
      </Button>
    </Stack>
  );
}

export function PhoneRows({ rows, onChange, errors }: RowsProps<PhoneRow>) {
  const { t } = useTranslation();
  const format = useFormat();
  const update = (index: number, change: Partial<PhoneRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  return (
    <Stack gap="xs" role="group" aria-label={t("customers.form.phones")}>
      <Text fw={500} size="sm">
        {t("customers.form.phones")}
      </Text>
      {errors.phones ? (
        <Text c="red" size="xs" role="alert">
          {errors.phones}
        </Text>
      ) : null}
      {rows.map((row, index) => (
        <Group key={index} align="flex-start" gap="xs" wrap="nowrap">
          <TextInput
            flex={2}
            type="tel"
            dir="ltr"
            autoComplete="off"
            label={t("customers.form.phone", { n: format.number(index + 1) })}
            description={index === 0 ? t("customers.form.phoneHint") : undefined}
            value={row.number}
            onChange={(e) => update(index, { number: e.currentTarget.value })}
            error={errors[`phones.${index}.number`]}
          />
          <TextInput
            flex={1}
            label={t("customers.form.phoneLabel", { n: format.number(index + 1) })}
            description={index === 0 ? " " : undefined}
            placeholder={t("customers.form.labelPlaceholder")}
            value={row.label}
            onChange={(e) => update(index, { label: e.currentTarget.value })}
            error={errors[`phones.${index}.label`]}
          />
          <Radio
            mt={index === 0 ? 52 : 32}
            label={t("common.primary")}
            aria-label={t("customers.form.phonePrimary", { n: format.number(index + 1) })}
            checked={row.is_primary}
            onChange={() => onChange(withPrimary(rows, index))}
          />
          <ActionIcon
            mt={index === 0 ? 48 : 28}
            variant="subtle"
            color="red"
            aria-label={t("customers.form.removePhone", { n: format.number(index + 1) })}
            onClick={() => onChange(without(rows, index))}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Button
        variant="subtle"
        size="compact-sm"
        leftSection={<IconPlus size={14} />}
        onClick={() => onChange([...rows, { number: "", label: "", is_primary: rows.length === 0 }])}
        style={{ alignSelf: "flex-start" }}
      >
        {t("customers.form.addPhone")}
      </Button>
    </Stack>
  );
}
