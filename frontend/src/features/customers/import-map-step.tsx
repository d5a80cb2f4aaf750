// Step 2 of the import: which customer field each CSV column fills, and what a row that matches an
// existing customer (same e-mail or phone) does. Ends by sending the file for a dry run.
import { Alert, Badge, Button, Group, Radio, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { IconArrowBack, IconChecklist } from "@tabler/icons-react";
import { Fragment, useMemo } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../../lib/use-format";
import type { CsvHead } from "./import-csv";
import { doubledFields, IMPORT_FIELDS, LIST_FIELDS, type Mapping, mappedCount } from "./import-mapping";
import { useCustomFields } from "./queries";

export const POLICIES = ["skip", "update", "create"] as const;
export type Policy = (typeof POLICIES)[number];

interface Props {
  head: CsvHead;
  mapping: Mapping;
  onMapping: (mapping: Mapping) => void;
  policy: Policy;
  onPolicy: (policy: Policy) => void;
  /** Errors the API gave for the mapping, by CSV column ("" for the mapping as a whole). */
  errors: Record<string, string>;
  sending: boolean;
  onBack: () => void;
  onDryRun: () => void;
}

export function ImportMapStep({ head, mapping, onMapping, policy, onPolicy, errors, sending, onBack, onDryRun }: Props) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const customFields = useCustomFields();
  const doubled = doubledFields(mapping);
  const count = mappedCount(mapping);

  const options = useMemo(() => {
    const standard = IMPORT_FIELDS.map((field) => ({ value: field, label: t(`imports.fields.${field.replace(".", "_")}`) }));
    const custom = (customFields.data ?? []).map((cf) => ({
      value: `cf.${cf.key}`,
      label: (i18n.language === "fa" && cf.label_fa) || cf.label,
    }));
    return [
      { group: t("imports.map.standardFields"), items: standard },
      ...(custom.length ? [{ group: t("imports.map.customFields"), items: custom }] : []),
    ];
  }, [t, i18n.language, customFields.data]);

  const set = (column: string, change: Partial<Mapping[string]>) => {
    const current = mapping[column] ?? { field: null, separator: "" };
    onMapping({ ...mapping, [column]: { ...current, ...change } });
  };

  const columns = head.header.filter((c, i) => c && head.header.indexOf(c) === i);

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t("imports.map.intro")}
      </Text>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" aria-label={t("imports.map.table")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("imports.map.column")}</Table.Th>
              <Table.Th>{t("imports.map.sample")}</Table.Th>
              <Table.Th>{t("imports.map.field")}</Table.Th>
              <Table.Th>{t("imports.map.separator")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {columns.map((column) => {
              const index = head.header.indexOf(column);
              const choice = mapping[column] ?? { field: null, separator: "" };
              const samples = head.rows.map((r) => r[index] ?? "").filter((v) => v.trim() !== "");
              const error =
                errors[column] ?? (choice.field && doubled.has(choice.field) ? t("imports.map.doubled") : undefined);
              return (
                <Table.Tr key={column}>
                  <Table.Td>
                    <Text fw={600}>
                      <bdi>{column}</bdi>
                    </Text>
                  </Table.Td>
                  <Table.Td maw={220}>
                    <Text size="sm" c="dimmed" truncate>
                      {samples.length
                        ? samples.map((v, i) => (
                            <Fragment key={i}>
                              {i ? " · " : ""}
                              <bdi>{v}</bdi>
                            </Fragment>
                          ))
                        : t("imports.map.noSample")}
                    </Text>
                  </Table.Td>
                  <Table.Td miw={220}>
                    <Select
                      aria-label={t("imports.map.fieldFor", { column })}
                      placeholder={t("imports.map.skip")}
                      data={options}
                      value={choice.field}
                      onChange={(value) => set(column, { field: value })}
                      searchable
                      clearable
                      nothingFoundMessage={t("imports.map.noField")}
                      error={error}
                      comboboxProps={{ withinPortal: true }}
                    />
                  </Table.Td>
                  <Table.Td w={110}>
                    {choice.field && LIST_FIELDS.includes(choice.field) ? (
                      <TextInput
                        aria-label={t("imports.map.separatorFor", { column })}
                        placeholder=";"
                        value={choice.separator}
                        maxLength={5}
                        onChange={(event) => set(column, { separator: event.currentTarget.value })}
                        className="ltr"
                      />
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <Group gap="xs">
        <Badge variant="light" tt="none" color={count ? "indigo" : "red"}>
          {t("imports.map.mapped", { mapped: format.number(count), total: format.number(columns.length) })}
        </Badge>
      </Group>

      <Radio.Group
        value={policy}
        onChange={(value) => onPolicy((POLICIES as readonly string[]).includes(value) ? (value as Policy) : "skip")}
        label={<Title order={3} size="h5">{t("imports.policy.label")}</Title>}
        description={t("imports.policy.hint")}
      >
        <Stack gap="xs" mt="xs">
          {POLICIES.map((p) => (
            <Radio key={p} value={p} label={t(`imports.policy.${p}`)} description={t(`imports.policy.${p}Hint`)} />
          ))}
        </Stack>
      </Radio.Group>

      {errors[""] ? (
        <Alert color="red" role="alert" title={t("imports.map.invalid")}>
          {errors[""]}
        </Alert>
      ) : null}

      <Group justify="space-between">
        <Button variant="default" leftSection={<IconArrowBack size={16} />} onClick={onBack}>
          {t("imports.map.back")}
        </Button>
        <Button
          leftSection={<IconChecklist size={16} />}
          onClick={onDryRun}
          loading={sending}
          disabled={count === 0 || doubled.size > 0}
        >
          {t("imports.map.dryRun")}
        </Button>
      </Group>
    </Stack>
  );
}
