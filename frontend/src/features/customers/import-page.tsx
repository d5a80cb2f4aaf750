// The CSV import wizard (route /customers/import): choose a file, map its columns, check it with a dry
// run, then import for real and watch the progress. The dry run and the import live in the URL
// (?dry=<id>, ?run=<id>), so a reload or a link from the recent imports reopens them.
import { Alert, Anchor, Stack, Stepper, Text, Title } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { useCan, useMe } from "../../api/me";
import { ApiError } from "../../api/problem";
import { describeError, notifyError } from "../../components/notify";
import { PageSkeleton } from "../../components/skeletons";
import { joinMessages, serverMessage } from "../../lib/server-messages";
import { useFormat } from "../../lib/use-format";
import type { CsvHead } from "./import-csv";
import { ImportHistory } from "./import-history";
import { ImportJobStep } from "./import-job-step";
import { ImportMapStep, type Policy } from "./import-map-step";
import { autoMap, type Mapping, mappingJson } from "./import-mapping";
import { ImportUploadStep } from "./import-upload-step";
import { useCustomFields, useImport, useStartImport } from "./queries";

/** The API's objections to a mapping, by CSV column ("" for the file or the mapping as a whole). */
function mappingErrors(error: unknown): Record<string, string> | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const byColumn: Record<string, string[]> = {};
  for (const e of error.problem?.errors ?? []) {
    const [where, part, column] = e.loc;
    const key = where === "body" && part === "mapping" && typeof column === "string" ? column : "";
    (byColumn[key] ??= []).push(serverMessage(e));
  }
  const out = Object.fromEntries(Object.entries(byColumn).map(([key, messages]) => [key, joinMessages(messages)]));
  if (!Object.keys(out).length) out[""] = describeError(error).message;
  return out;
}

export function CustomerImportPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const dryId = params.get("dry");
  const runId = params.get("run");
  const customFields = useCustomFields();
  const start = useStartImport();
  const me = useMe();
  const format = useFormat();
  const canImport = useCan("customers:write");

  const [file, setFile] = useState<File | null>(null);
  const [head, setHead] = useState<CsvHead | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [policy, setPolicy] = useState<Policy>("skip");
  const [mappingOpen, setMappingOpen] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  // The same query the progress step polls (one request): a finished import completes the last step.
  const runJob = useImport(runId);
  const active = runId ? (runJob.data?.status === "completed" ? 4 : 3) : dryId ? 2 : mappingOpen && head ? 1 : 0;

  const restart = () => {
    setFile(null);
    setHead(null);
    setMapping({});
    setErrors({});
    setMappingOpen(false);
    setParams({}, { replace: false });
  };

  const dryRun = () => {
    if (!file) return;
    setErrors({});
    start.mutate(
      { file, mapping: mappingJson(mapping), policy, dryRun: true },
      {
        onSuccess: (job) => setParams({ dry: job.id }),
        onError: (error) => {
          const found = mappingErrors(error);
          if (found) setErrors(found);
          else notifyError(error);
        },
      },
    );
  };

  const stepLabel = (key: string) => t(`imports.steps.${key}`);
  const runStep = runId ? (
    <ImportJobStep key={runId} importId={runId} onBack={null} onRun={() => undefined} onRestart={restart} />
  ) : null;

  if (me.isPending) return <PageSkeleton />;
  if (!canImport) {
    return (
      <Alert color="gray" icon={<IconLock size={18} />} title={t("imports.notAllowed")} role="alert">
        {t("imports.notAllowedHint")}
      </Alert>
    );
  }

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t("customers.importTitle")}
        </Title>
        <Text c="dimmed">{t("customers.importIntro")}</Text>
      </div>

      <Stepper active={active} size="sm" allowNextStepsSelect={false} aria-label={t("imports.steps.label")}>
        <Stepper.Step icon={format.number(1)} label={stepLabel("file")} description={stepLabel("fileHint")}>
          <Stack gap="md">
            <Title order={2} size="h4">
              {stepLabel("fileTitle")}
            </Title>
            <ImportUploadStep
              file={file}
              onFile={(chosen, read) => {
                setFile(chosen);
                setHead(read);
                setErrors({});
                setMapping(autoMap(read.header, customFields.data ?? []));
              }}
              onNext={() => setMappingOpen(true)}
            />
            <ImportHistory />
          </Stack>
        </Stepper.Step>
        <Stepper.Step icon={format.number(2)} label={stepLabel("map")} description={stepLabel("mapHint")}>
          <Stack gap="md">
            <Title order={2} size="h4">
              {stepLabel("mapTitle")}
            </Title>
            {head ? (
              <ImportMapStep
                head={head}
                mapping={mapping}
                onMapping={setMapping}
                policy={policy}
                onPolicy={setPolicy}
                errors={errors}
                sending={start.isPending}
                onBack={() => setMappingOpen(false)}
                onDryRun={dryRun}
              />
            ) : null}
          </Stack>
        </Stepper.Step>
        <Stepper.Step icon={format.number(3)} label={stepLabel("check")} description={stepLabel("checkHint")}>
          {dryId ? (
            <ImportJobStep
              key={dryId}
              importId={dryId}
              onBack={head ? () => setParams({}) : null}
              onRun={(id) => setParams({ run: id })}
              onRestart={restart}
            />
          ) : null}
        </Stepper.Step>
        <Stepper.Step icon={format.number(4)} label={stepLabel("run")} description={stepLabel("runHint")}>
          {runStep}
        </Stepper.Step>
        <Stepper.Completed>{runStep}</Stepper.Completed>
      </Stepper>

      <Anchor component={Link} to="/customers" size="sm">
        {t("imports.backToList")}
      </Anchor>
    </Stack>
  );
}
