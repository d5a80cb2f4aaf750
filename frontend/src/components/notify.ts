// Toasts. Errors from the API show a translated headline for the problem type and, below it, the
// server's detail in English; Persian readers get the kind's translated explanation instead.
import { notifications } from "@mantine/notifications";
import i18next from "i18next";

import { ApiError } from "../api/problem";
import { localizeDigits } from "../lib/digits";
import { currentLanguage, serverMessage, serverText } from "../lib/server-messages";

const KNOWN_KINDS = new Set([
  "validation-error",
  "unauthorized",
  "forbidden",
  "not-found",
  "conflict",
  "duplicate-customer",
  "precondition-failed",
  "rate-limited",
  "payload-too-large",
  "internal-error",
  "unavailable",
]);

/** Headline and text for an error, in the viewer's language. */
export function describeError(error: unknown): { title: string; message: string } {
  const t = i18next.t.bind(i18next);
  if (!(error instanceof ApiError)) {
    return { title: t("errors.title"), message: t("errors.unexpected") };
  }
  if (error.status === 0) return { title: t("errors.title"), message: t("errors.network") };
  const kind = error.kind;
  const known = KNOWN_KINDS.has(kind);
  const title = known ? t(`errors.kinds.${kind}`) : t("errors.title");
  // A refused value no field shows: its own message says what to fix.
  const first = error.status === 422 ? error.problem?.errors?.[0] : undefined;
  if (first) return { title, message: serverMessage(first) };
  const detail = serverText(error.problem?.detail || error.problem?.title) || (known ? t(`errors.details.${kind}`) : "");
  const status = localizeDigits(String(error.status), currentLanguage());
  return { title, message: detail || t("errors.http", { status }) };
}

export function notifyError(error: unknown): void {
  const { title, message } = describeError(error);
  notifications.show({ color: "red", title, message, autoClose: 8000 });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: "teal", message, autoClose: 4000 });
}
