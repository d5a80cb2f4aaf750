// Step 1 of the import: a CSV file dropped here or picked, read in the browser for its header.
import { Alert, Button, Group, Paper, Stack, Text, ThemeIcon } from "@mantine/core";
import { IconFileSpreadsheet, IconUpload } from "@tabler/icons-react";
import { type CSSProperties, type DragEvent, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../../lib/use-format";
import { type CsvHead, CsvError, readFileHead } from "./import-csv";

const HIDDEN: CSSProperties = {
  position: "absolute",
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: "hidden",
  clip: "rect(0, 0, 0, 0)",
  whiteSpace: "nowrap",
  border: 0,
};

/** "12.5 KB" / "3.2 MB" in the viewer's digits. */
export function useFileSize() {
  const { t } = useTranslation();
  const format = useFormat();
  return (bytes: number) =>
    bytes < 1024 * 1024
      ? t("imports.upload.kb", { size: format.number(Math.max(bytes / 1024, 0.1), 1) })
      : t("imports.upload.mb", { size: format.number(bytes / (1024 * 1024), 1) });
}

interface Props {
  file: File | null;
  onFile: (file: File, head: CsvHead) => void;
  onNext: () => void;
}

export function ImportUploadStep({ file, onFile, onNext }: Props) {
  const { t } = useTranslation();
  const size = useFileSize();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [reading, setReading] = useState(false);

  const take = async (chosen: File | undefined) => {
    if (!chosen) return;
    setProblem(null);
    setReading(true);
    try {
      onFile(chosen, await readFileHead(chosen));
    } catch (error) {
      setProblem(t(`imports.upload.problems.${error instanceof CsvError ? error.problem : "unreadable"}`));
    } finally {
      setReading(false);
    }
  };

  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    void take(event.dataTransfer.files[0]);
  };

  return (
    <Stack gap="md">
      <Paper
        withBorder
        radius="md"
        p="xl"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
        style={{
          borderStyle: "dashed",
          borderWidth: 2,
          borderColor: dragging ? "var(--mantine-color-indigo-6)" : undefined,
          background: dragging ? "var(--mantine-color-indigo-0)" : undefined,
        }}
        data-testid="import-dropzone"
      >
        <Stack align="center" gap="xs">
          <ThemeIcon size={56} radius="xl" variant="light" aria-hidden>
            <IconUpload size={30} />
          </ThemeIcon>
          <Text fw={600}>{t("imports.upload.drop")}</Text>
          <Text size="sm" c="dimmed" ta="center">
            {t("imports.upload.hint")}
          </Text>
          <input
            ref={input}
            id={inputId}
            type="file"
            accept=".csv,.tsv,.txt,text/csv,text/plain"
            aria-label={t("imports.upload.input")}
            tabIndex={-1}
            style={HIDDEN}
            onChange={(event) => {
              void take(event.currentTarget.files?.[0]);
              event.currentTarget.value = "";
            }}
          />
          <Button variant="light" loading={reading} onClick={() => input.current?.click()}>
            {t("imports.upload.choose")}
          </Button>
        </Stack>
      </Paper>

      {problem ? (
        <Alert color="red" role="alert" title={t("imports.upload.problemTitle")}>
          {problem}
        </Alert>
      ) : null}

      {file ? (
        <Paper withBorder radius="md" p="sm" aria-label={t("imports.upload.chosen")} component="section">
          <Group justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <IconFileSpreadsheet size={28} aria-hidden color="var(--mantine-color-green-7)" />
              <div>
                <Text fw={600} style={{ wordBreak: "break-all" }}>
                  <bdi>{file.name}</bdi>
                </Text>
                <Text size="sm" c="dimmed">
                  {size(file.size)}
                </Text>
              </div>
            </Group>
            <Button onClick={onNext}>{t("imports.upload.next")}</Button>
          </Group>
        </Paper>
      ) : null}
    </Stack>
  );
}
