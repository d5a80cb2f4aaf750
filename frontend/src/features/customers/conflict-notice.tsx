import { Alert, Button, Group, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

/** 412: the record changed since it was loaded. Load the other person's version, or (where it makes
 * sense) apply mine on top of it. */
export function ConflictNotice({
  onReload,
  onOverwrite,
  busy,
}: {
  onReload: () => void;
  onOverwrite?: (() => void) | undefined;
  busy?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" icon={<IconAlertTriangle size={18} />} title={t("errors.kinds.precondition-failed")} role="alert">
      <Text size="sm" mb="xs">
        {t("customers.conflict.text")}
      </Text>
      <Group gap="xs">
        <Button size="xs" variant="light" onClick={onReload} disabled={busy ?? false}>
          {t("customers.conflict.reload")}
        </Button>
        {onOverwrite ? (
          <Button size="xs" variant="subtle" color="yellow" onClick={onOverwrite} loading={busy ?? false}>
            {t("customers.conflict.overwrite")}
          </Button>
        ) : null}
      </Group>
    </Alert>
  );
}
