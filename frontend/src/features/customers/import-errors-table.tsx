// The rows an import refused, a page at a time over the API's cursors: row number (as a spreadsheet
// numbers it), the CSV column and what was wrong.
import { Button, Group, Skeleton, Table, Text } from "@mantine/core";
import { IconChevronLeft, IconChevronRight } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { serverMessage } from "../../lib/server-messages";
import { useFormat } from "../../lib/use-format";
import { columnOfLoc } from "./import-mapping";
import { useImportErrors } from "./queries";

interface Props {
  importId: string;
  mapping: Record<string, { field: string }>;
}

interface Loc {
  loc?: unknown;
  msg?: unknown;
  type?: unknown;
  ctx?: unknown;
}

function asLoc(raw: unknown): (string | number)[] {
  return Array.isArray(raw) ? raw.filter((p): p is string | number => typeof p === "string" || typeof p === "number") : [];
}

export function ImportErrorsTable({ importId, mapping }: Props) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  // Cursors of the pages seen so far: the last one is the page shown.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useImportErrors(importId, cursor);
  const PrevIcon = i18n.dir() === "rtl" ? IconChevronRight : IconChevronLeft;
  const NextIcon = i18n.dir() === "rtl" ? IconChevronLeft : IconChevronRight;

  // An error about a field no column fills (e.g. "give a name"): the field's name as the mapping shows it.
  const fieldName = (field: string) => t(`imports.fields.${field.replace(".", "_")}`, { defaultValue: field });

  if (page.isPending) return <Skeleton height={120} aria-label={t("common.loading")} />;
  if (page.isError) return <Text c="red">{t("imports.errors.failed")}</Text>;
  const rows = page.data.items.flatMap((item) =>
    (item.errors as Loc[]).map((e, i) => ({
      key: `${item.row_number}-${i}`,
      row: item.row_number,
      column: columnOfLoc(asLoc(e.loc), mapping),
      message: serverMessage(e),
    })),
  );
  if (!rows.length) return <Text c="dimmed">{t("imports.errors.none")}</Text>;

  return (
    <>
      <Table.ScrollContainer minWidth={480}>
        <Table striped verticalSpacing="xs" aria-label={t("imports.errors.table")} aria-busy={page.isFetching}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={90}>{t("imports.errors.row")}</Table.Th>
              <Table.Th>{t("imports.errors.column")}</Table.Th>
              <Table.Th>{t("imports.errors.message")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.key}>
                <Table.Td>{format.number(r.row)}</Table.Td>
                <Table.Td>
                  {r.column === null ? t("imports.errors.wholeRow") : r.column in mapping ? <bdi>{r.column}</bdi> : fieldName(r.column)}
                </Table.Td>
                <Table.Td>{r.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between" mt="xs">
        <Text size="sm" c="dimmed">
          {t("imports.errors.page", {
            page: format.number(cursors.length),
            total: format.number(page.data.total ?? 0),
          })}
        </Text>
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            leftSection={<PrevIcon size={14} />}
            disabled={cursors.length <= 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            {t("imports.errors.previous")}
          </Button>
          <Button
            size="xs"
            variant="default"
            rightSection={<NextIcon size={14} />}
            disabled={!page.data.next_cursor}
            onClick={() => setCursors((c) => [...c, page.data.next_cursor ?? null])}
          >
            {t("imports.errors.next")}
          </Button>
        </Group>
      </Group>
    </>
  );
}
