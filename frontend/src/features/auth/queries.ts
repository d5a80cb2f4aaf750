// The session: logging in and out, who I am, and my language and calendar.
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, call } from "../../api/client";
import { meKey, meQuery } from "../../api/me";
import { endSession, startSession } from "../../api/session";
import type { MeUpdate } from "../../api/types";
import { setPreferences } from "../../lib/preferences";

export { useMe } from "../../api/me";

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (credentials: { email: string; password: string }) => {
      const token = await call(
        api.POST("/api/v1/auth/token", {
          body: { username: credentials.email, password: credentials.password },
          bodySerializer: (body) => new URLSearchParams(body).toString(),
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        }),
      );
      // Nothing cached for an earlier session may show through to this one.
      queryClient.clear();
      startSession(token.access_token);
      const me = await queryClient.fetchQuery(meQuery);
      setPreferences({ language: me.language, calendar: me.calendar });
      return me;
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await call(api.POST("/api/v1/auth/logout"));
      } catch {
        // A token the server no longer knows is as logged out as it gets.
      }
    },
    onSettled: () => {
      endSession("logout");
      queryClient.clear();
    },
  });
}

/** Change my language or calendar: shown at once, then kept on my user. */
export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: MeUpdate) => call(api.PATCH("/api/v1/me", { body: change })),
    onMutate: (change) => {
      setPreferences({
        ...(change.language ? { language: change.language } : {}),
        ...(change.calendar ? { calendar: change.calendar } : {}),
      });
    },
    onSuccess: (me) => {
      queryClient.setQueryData(meKey, me);
    },
  });
}
