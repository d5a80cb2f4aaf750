// "Move on the ladder": pick the rung and say why; the API enforces the ladder's rules.
import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";

import { ApiError, fieldErrors } from "../../api/problem";
import type { CustomerRead, Stage } from "../../api/types";
import { describeError, notifyError, notifySuccess } from "../../components/notify";
import { ConflictNotice } from "./conflict-notice";
import { isStage, moveNeedsReason, STAGES } from "./ladder";
import { useMoveStage } from "./queries";
import { StageBadge } from "./stage-badge";

interface Props {
  customer: CustomerRead;
  etag: string | null;
  opened: boolean;
  onClose: () => void;
  onReload: () => void;
}

export function StageMoveDialog({ customer, etag, opened, onClose, onReload }: Props) {
  const { t } = useTranslation();
  const move = useMoveStage(customer.id);
  const [stage, setStage] = useState<Stage | null>(null);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState(false);
  const needsReason = stage !== null && moveNeedsReason(customer.stage, stage, customer.lapsed_from);

  const close = () => {
    setStage(null);
    setReason("");
    setErrors({});
    setConflict(false);
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!stage) return;
    if (needsReason && !reason.trim()) {
      setErrors({ reason: t("customers.move.reasonRequired") });
      return;
    }
    setErrors({});
    move.mutate(
      { stage, reason: reason.trim() || null, etag },
      {
        onSuccess: (fresh) => {
          notifySuccess(t("customers.move.done", { stage: t(`stages.${fresh.data.stage}`) }));
          close();
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 412) return setConflict(true);
          if (error instanceof ApiError && error.status === 422) {
            const found = fieldErrors(error.problem);
            setErrors(Object.keys(found).length ? found : { reason: describeError(error).message });
            return;
          }
          notifyError(error);
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={t("customers.move.title", { name: customer.display_name })} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Group gap="xs">
            <Text size="sm">{t("customers.move.current")}</Text>
            <StageBadge stage={customer.stage} />
            {customer.stage === "lapsed" && customer.lapsed_from && isStage(customer.lapsed_from) ? (
              <Text size="xs" c="dimmed">
                {t("customers.move.lapsedFrom", { stage: t(`stages.${customer.lapsed_from}`) })}
              </Text>
            ) : null}
          </Group>
          <Select
            label={t("customers.move.to")}
            required
            data={STAGES.filter((s) => s !== customer.stage).map((s) => ({ value: s, label: t(`stages.${s}`) }))}
            value={stage}
            onChange={(value) => setStage(value && isStage(value) ? value : null)}
            error={errors.stage}
            data-autofocus
            comboboxProps={{ withinPortal: true }}
          />
          <Textarea
            label={t("customers.move.reason")}
            description={needsReason ? t("customers.move.reasonNeeded") : t("customers.move.reasonOptional")}
            required={needsReason}
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={errors.reason}
          />
          {Object.keys(errors).some((k) => k !== "stage" && k !== "reason") ? (
            <Alert color="red">{Object.values(errors).join(" ")}</Alert>
          ) : null}
          {conflict ? (
            <ConflictNotice
              onReload={() => {
                onReload();
                setConflict(false);
              }}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={move.isPending} disabled={!stage || conflict}>
              {t("customers.move.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
