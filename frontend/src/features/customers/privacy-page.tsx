// Privacy requests for one customer (route /customers/:customerId/privacy), for holders of
// customers:erase: download everything held about them (JSON), or erase their personal data after
// typing their name.
import { Alert, Anchor, Button, Group, List, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconArrowBack, IconDownload, IconEraser, IconLock } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";

import { useCan, useMe } from "../../api/me";
import { ApiError } from "../../api/problem";
import { notifyError, notifySuccess } from "../../components/notify";
import { PageSkeleton } from "../../components/skeletons";
import { LoadFailure } from "../../components/status-pages";
import { fileDate, saveBlob } from "../../lib/download";
import { ConflictNotice } from "./conflict-notice";
import { confirmsName } from "./name-match";
import { useCustomer, useEraseCustomer, useExportPersonalData } from "./queries";

export function CustomerPrivacyPage() {
  const { customerId = "" } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const allowed = useCan("customers:erase");
  const customer = useCustomer(customerId);

  if (me.isPending || customer.isPending) return <PageSkeleton />;
  if (!allowed) {
    return (
      <Alert color="gray" icon={<IconLock size={18} />} title={t("privacy.notAllowed")} role="alert">
        {t("privacy.notAllowedHint")}
      </Alert>
    );
  }
  if (customer.isError) return <LoadFailure error={customer.error} onRetry={() => void customer.refetch()} />;
  const { data: c, etag } = customer.data;

  return (
    <Stack gap="md" maw={820}>
      <div>
        <Anchor component={Link} to={`/customers/${c.id}`} size="sm">
          <Group gap={4} component="span">
            <IconArrowBack size={14} aria-hidden />
            {t("merge.backTo", { name: c.display_name })}
          </Group>
        </Anchor>
        <Title order={1} size="h2">
          {t("privacy.title", { name: c.display_name })}
        </Title>
        <Text c="dimmed">{t("privacy.intro")}</Text>
      </div>
      <ExportSection customerId={c.id} />
      <EraseSection customerId={c.id} name={c.display_name} etag={etag} onReload={() => void customer.refetch()} />
    </Stack>
  );
}

function ExportSection({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const download = useExportPersonalData(customerId);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t("privacy.export.title")}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t("privacy.export.title")}
        </Title>
        <Text size="sm">{t("privacy.export.text")}</Text>
        <Group>
          <Button
            leftSection={<IconDownload size={16} />}
            loading={download.isPending}
            onClick={() =>
              download.mutate(undefined, {
                onSuccess: (data) => {
                  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
                  saveBlob(blob, `customer-${customerId}-${fileDate()}.json`);
                  notifySuccess(t("privacy.export.done"));
                },
              })
            }
          >
            {t("privacy.export.button")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function EraseSection({
  customerId,
  name,
  etag,
  onReload,
}: {
  customerId: string;
  name: string;
  etag: string | null;
  onReload: () => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const erase = useEraseCustomer(customerId);
  const [typed, setTyped] = useState("");
  const [conflict, setConflict] = useState(false);
  const [touched, setTouched] = useState(false);
  const confirmed = confirmsName(typed, name);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!confirmed) return;
    erase.mutate(etag, {
      onSuccess: () => {
        notifySuccess(t("privacy.erase.done"));
        navigate(`/customers/${customerId}`);
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 412) return setConflict(true);
        notifyError(error);
      },
    });
  };

  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      component="section"
      aria-label={t("privacy.erase.title")}
      style={{ borderColor: "var(--mantine-color-red-4)" }}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" c="red">
            {t("privacy.erase.title")}
          </Title>
          <Text size="sm">{t("privacy.erase.text")}</Text>
          <List size="sm" spacing={2}>
            <List.Item>{t("privacy.erase.wiped")}</List.Item>
            <List.Item>{t("privacy.erase.kept")}</List.Item>
            <List.Item>{t("privacy.erase.final")}</List.Item>
          </List>
          <TextInput
            label={t("privacy.erase.confirmLabel")}
            description={t("privacy.erase.confirmHint", { name })}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            error={touched && !confirmed ? t("privacy.erase.mismatch") : undefined}
            autoComplete="off"
            dir="auto"
          />
          {conflict ? (
            <ConflictNotice
              onReload={() => {
                setConflict(false);
                onReload();
              }}
            />
          ) : null}
          <Group>
            <Button type="submit" color="red" leftSection={<IconEraser size={16} />} loading={erase.isPending} disabled={!confirmed || conflict}>
              {t("privacy.erase.button")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
