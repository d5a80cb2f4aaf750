// Toasts. Errors from the API show a translated headline for the problem type and the server's detail.
import { notifications } from "@mantine/notifications";
import i18next from "i18next";

import { ApiError } from "../api/problem";

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
  const title = KNOWN_KINDS.has(kind) ? t(`errors.kinds.${kind}`) : t("errors.title");
  const detail = error.problem?.detail || error.problem?.title;
  return { title, message: detail || t("errors.http", { status: error.status }) };
}

export function notifyError(error: unknown): void {
  const { title, message } = describeError(error);
  notifications.show({ color: "red", title, message, autoClose: 8000 });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: "teal", message, autoClose: 4000 });
}
