import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { Stage } from "../../api/types";
import { STAGE_COLOR } from "./ladder";

export function StageBadge({ stage, size = "sm" }: { stage: Stage; size?: "sm" | "md" | "lg" }) {
  const { t } = useTranslation();
  return (
    <Badge color={STAGE_COLOR[stage]} variant="light" size={size}>
      {t(`stages.${stage}`)}
    </Badge>
  );
}
