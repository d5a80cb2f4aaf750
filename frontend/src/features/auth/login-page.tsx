import { Alert, Anchor, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconAlertCircle, IconClock } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useSearchParams } from "react-router";

import { ApiError } from "../../api/problem";
import { getToken, sessionEnd } from "../../api/session";
import { describeError } from "../../components/notify";
import { LanguageToggle } from "./language-toggle";
import { safeNext } from "./next-path";
import { useLogin } from "./queries";

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [expired] = useState(() => sessionEnd() === "expired");

  if (getToken() && !login.isPending) return <Navigate to={next} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email: email.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  };

  const failure = login.error;
  const failureText =
    failure instanceof ApiError && failure.status === 401 ? t("login.wrong") : failure ? describeError(failure).message : "";

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Paper withBorder shadow="sm" radius="md" p="xl" w="100%" maw={420}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Group justify="space-between" align="center">
              <Title order={1} size="h2">
                {t("app.name")}
              </Title>
              <LanguageToggle />
            </Group>
            <Text c="dimmed" size="sm">
              {t("login.intro")}
            </Text>
            {expired && !failure ? (
              <Alert color="yellow" icon={<IconClock size={18} />} role="status">
                {t("login.expired")}
              </Alert>
            ) : null}
            {failure ? (
              <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
                {failureText}
              </Alert>
            ) : null}
            <TextInput
              label={t("login.email")}
              type="email"
              name="email"
              autoComplete="username"
              required
              dir="ltr"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              data-autofocus
              autoFocus
            />
            <PasswordInput
              label={t("login.password")}
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={login.isPending} disabled={!email || !password}>
              {t("login.submit")}
            </Button>
            <Text size="xs" c="dimmed">
              {t("login.apiDocs")}{" "}
              <Anchor href="/api/docs" size="xs" dir="ltr">
                /api/docs
              </Anchor>
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
