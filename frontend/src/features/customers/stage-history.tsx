import { Skeleton, Text, Timeline } from "@mantine/core";
import { IconArrowBigUpLines } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

import { DateText } from "../../components/date-text";
import { isStage } from "./ladder";
import { useColleagues, useStageHistory } from "./queries";

/** Every move on the ladder, newest first: from → to, why, by what and when. */
export function StageHistory({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const history = useStageHistory(customerId);
  // Only the people who moved this customer are named.
  const { ownerName } = useColleagues(history.data?.map((move) => move.actor_user_id) ?? []);
  if (history.isPending) return <Skeleton height={120} />;
  const moves = history.data ?? [];
  if (!moves.length) return <Text c="dimmed" size="sm">{t("customers.history.none")}</Text>;
  const stageName = (s: string | null) => (s && isStage(s) ? t(`stages.${s}`) : (s ?? ""));
  return (
    <Timeline active={0} bulletSize={20} lineWidth={2} aria-label={t("customers.history.title")}>
      {moves.map((move, index) => (
        <Timeline.Item
          key={`${move.occurred_at}-${index}`}
          bullet={<IconArrowBigUpLines size={12} />}
          title={
            move.from_stage
              ? t("customers.history.move", { from: stageName(move.from_stage), to: stageName(move.to_stage) })
              : t("customers.history.start", { to: stageName(move.to_stage) })
          }
        >
          {move.reason ? <Text size="sm">{move.reason}</Text> : null}
          <Text size="xs" c="dimmed">
            <DateText value={move.occurred_at} withTime /> · {t(`customers.history.causes.${causeKey(move.cause)}`)}
            {move.actor_user_id ? ` · ${ownerName(move.actor_user_id) || t("customers.history.someone")}` : ""}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

const CAUSES = ["created", "manual", "purchase", "contract", "referral", "praise", "lapse", "win_back", "merge"];

function causeKey(cause: string): string {
  return CAUSES.includes(cause) ? cause : "other";
}
