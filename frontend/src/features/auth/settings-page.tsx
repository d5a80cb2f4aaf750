import { Paper, Radio, Stack, Text, Title, Group } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { notifyError } from "../../components/notify";
import { CALENDARS, type CalendarName } from "../../lib/dates";
import { usePreferences } from "../../lib/use-preferences";
import { useFormat } from "../../lib/use-format";
import { useMe, useUpdateMe } from "./queries";

/** My profile: language and calendar, kept on my user so every device shows them. */
export function SettingsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { language, calendar } = usePreferences();
  const updateMe = useUpdateMe();
  const format = useFormat();
  const today = new Date().toISOString();

  return (
    <Stack maw={640}>
      <Title order={1} size="h2">
        {t("settings.title")}
      </Title>
      {me.data ? (
        <Text c="dimmed">
          {me.data.full_name} · <span dir="ltr">{me.data.email}</span> · {t(`roles.${me.data.role}`)}
        </Text>
      ) : null}
      <Paper withBorder p="md" radius="md">
        <Radio.Group
          label={t("settings.language")}
          value={language}
          onChange={(value) => updateMe.mutate({ language: value === "fa" ? "fa" : "en" }, { onError: notifyError })}
        >
          <Group mt="xs">
            <Radio value="en" label="English" lang="en" />
            <Radio value="fa" label="فارسی" lang="fa" />
          </Group>
        </Radio.Group>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Radio.Group
          label={t("settings.calendar")}
          description={t("settings.calendarHint", { today: format.instantDate(today) })}
          value={calendar}
          onChange={(value) => updateMe.mutate({ calendar: value as CalendarName }, { onError: notifyError })}
        >
          <Stack mt="xs" gap="xs">
            {CALENDARS.map((name) => (
              <Radio key={name} value={name} label={t(`calendars.${name}`)} />
            ))}
          </Stack>
        </Radio.Group>
      </Paper>
    </Stack>
  );
}
