import { Box, Button } from "@mantine/core";
import { IconLanguage } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

import { getToken } from "../../api/session";
import { notifyError } from "../../components/notify";
import { setPreferences } from "../../lib/preferences";
import { usePreferences } from "../../lib/use-preferences";
import { useUpdateMe } from "./queries";

/** Switches between English and Persian; when logged in the choice is kept on the user. */
export function LanguageToggle() {
  const { t } = useTranslation();
  const { language } = usePreferences();
  const updateMe = useUpdateMe();
  const other = language === "fa" ? "en" : "fa";
  const toggle = () => {
    if (getToken()) updateMe.mutate({ language: other }, { onError: notifyError });
    else setPreferences({ language: other });
  };
  return (
    <Button
      variant="subtle"
      size="compact-sm"
      leftSection={<IconLanguage size={16} />}
      onClick={toggle}
      lang={other}
      aria-label={t("language.switchTo")}
    >
      <Box component="span" visibleFrom="xs">
        {other === "fa" ? "فارسی" : "English"}
      </Box>
    </Button>
  );
}
