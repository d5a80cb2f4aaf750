// Merging two customers: which record stays, what the merge moves onto it, and a confirmation.
import { Alert, Badge, Button, Group, List, Modal, Paper, Radio, Skeleton, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import { IconGitMerge } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import type { Tagged } from "../../api/client";
import { ApiError } from "../../api/problem";
import type { CustomerRead } from "../../api/types";
import { describeError, notifyError, notifySuccess } from "../../components/notify";
import { ltrText } from "../../lib/bidi";
import { serverMessage } from "../../lib/server-messages";
import { useFormat } from "../../lib/use-format";
import { ConflictNotice } from "./conflict-notice";
import { mergePreview, movesAnything } from "./merge-preview";
import { customerKeys, useCustomer, useMergeCustomer } from "./queries";
import { StageBadge } from "./stage-badge";

interface Props {
  current: Tagged<CustomerRead>;
  otherId: string;
  onDone: () => void;
}

export function MergePanel({ current, otherId, onDone }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const other = useCustomer(otherId);
  const [keep, setKeep] = useState<"current" | "other">("current");

  if (other.isPending) return <Skeleton height={200} aria-label={t("common.loading")} />;
  if (other.isError) {
    return (
      <Alert color="red" role="alert" title={t("merge.otherGone")}>
        <Button size="xs" variant="light" onClick={onDone}>
          {t("common.close")}
        </Button>
      </Alert>
    );
  }
  const survivor = keep === "current" ? current : other.data;
  const duplicate = keep === "current" ? other.data : current;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t("merge.panel")}>
      <Stack gap="md">
        <Title order={2} size="h4">
          {t("merge.panel")}
        </Title>
        <Radio.Group
          value={keep}
          onChange={(value) => setKeep(value === "other" ? "other" : "current")}
          label={t("merge.keep")}
          description={t("merge.keepHint")}
        >
          <Group mt="xs" gap="lg">
            {[current.data, other.data.data].map((c, i) => (
              <Radio
                key={c.id}
                value={i === 0 ? "current" : "other"}
                label={
                  <Group gap={6} component="span">
                    <span>{c.display_name}</span>
                    <StageBadge stage={c.stage} />
                  </Group>
                }
                description={
                  c.primary_email || c.primary_phone ? (
                    <bdi dir="ltr">{c.primary_email ?? (c.primary_phone ? format.digits(c.primary_phone) : "")}</bdi>
                  ) : undefined
                }
              />
            ))}
          </Group>
        </Radio.Group>
        <MergeSummary survivor={survivor} duplicate={duplicate} onDone={onDone} />
      </Stack>
    </Paper>
  );
}

function MergeSummary({
  survivor,
  duplicate,
  onDone,
}: {
  survivor: Tagged<CustomerRead>;
  duplicate: Tagged<CustomerRead>;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const merge = useMergeCustomer(survivor.data.id);
  const [confirming, { open, close }] = useDisclosure();
  const [problem, setProblem] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const p = mergePreview(survivor.data, duplicate.data);
  const s = survivor.data.display_name;
  const d = duplicate.data.display_name;

  const listFormat = new Intl.ListFormat(format.language, { style: "narrow", type: "unit" });
  const list = (values: string[]) => listFormat.format(values);
  const items: string[] = [];
  if (p.emails.length) items.push(t("merge.moves.emails", { list: list(p.emails.map(ltrText)) }));
  if (p.phones.length) items.push(t("merge.moves.phones", { list: list(p.phones.map((n) => ltrText(format.digits(n)))) }));
  if (p.addresses) items.push(t("merge.moves.addresses", { number: format.number(p.addresses) }));
  if (p.tags.length) items.push(t("merge.moves.tags", { list: list(p.tags) }));
  if (p.preferences.length) items.push(t("merge.moves.preferences", { list: list(p.preferences) }));
  if (p.fields.length) {
    items.push(t("merge.moves.fields", { list: list(p.fields.map((f) => t(`imports.fields.${f}`))) }));
  }
  if (p.customFields.length) items.push(t("merge.moves.customFields", { list: list(p.customFields) }));
  if (p.purchasesAdded) {
    items.push(t("merge.moves.value", { purchases: format.number(p.purchasesAdded), revenue: format.number(p.revenueAdded) }));
  }
  if (p.climbsTo) items.push(t("merge.moves.climbs", { stage: t(`stages.${p.climbsTo}`) }));

  const submit = () => {
    setProblem(null);
    merge.mutate(
      { duplicateId: duplicate.data.id, etag: survivor.etag },
      {
        onSuccess: (fresh) => {
          close();
          notifySuccess(t("merge.done", { duplicate: d, survivor: fresh.data.display_name }));
          onDone();
          navigate(`/customers/${fresh.data.id}`);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 412) return setConflict(true);
          if (error instanceof ApiError && (error.status === 422 || error.status === 409)) {
            const first = error.problem?.errors?.[0];
            return setProblem(first ? serverMessage(first) : describeError(error).message);
          }
          close();
          notifyError(error);
        },
      },
    );
  };

  return (
    <Stack gap="sm">
      <Text fw={600}>{t("merge.into", { duplicate: d, survivor: s })}</Text>
      {p.kindsDiffer ? (
        <Alert color="orange" role="alert">
          {t("merge.kindsDiffer")}
        </Alert>
      ) : (
        <>
          <Text size="sm">{t("merge.movesIntro", { survivor: s })}</Text>
          <List size="sm" spacing={4} aria-label={t("merge.movesLabel")}>
            {items.map((item) => (
              <List.Item key={item}>{item}</List.Item>
            ))}
            <List.Item>{t("merge.moves.history")}</List.Item>
          </List>
          {!movesAnything(p) ? (
            <Text size="sm" c="dimmed">
              {t("merge.nothingElse")}
            </Text>
          ) : null}
          <Text size="sm" c="dimmed">
            {t("merge.keeps", { survivor: s })}
          </Text>
        </>
      )}
      <Group justify="flex-end">
        <Badge variant="outline" color="gray" tt="none">
          {t("merge.goes", { duplicate: d })}
        </Badge>
        <Button color="red" leftSection={<IconGitMerge size={16} />} disabled={p.kindsDiffer} onClick={open}>
          {t("merge.start")}
        </Button>
      </Group>

      <Modal opened={confirming} onClose={close} title={t("merge.confirmTitle")} centered>
        <Stack>
          <Text>{t("merge.confirmText", { duplicate: d, survivor: s })}</Text>
          {problem ? (
            <Alert color="red" role="alert">
              {problem}
            </Alert>
          ) : null}
          {conflict ? (
            <ConflictNotice
              onReload={() => {
                setConflict(false);
                void queryClient.invalidateQueries({ queryKey: customerKeys.all });
              }}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("common.cancel")}
            </Button>
            <Button color="red" loading={merge.isPending} disabled={conflict} onClick={submit} data-autofocus>
              {t("merge.confirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
