// Where toasts (components/notify.ts) appear. A module of its own so that its code, loaded when the
// browser is idle after the first page (src/app/app.tsx), is not part of the first download.
import { Notifications } from "@mantine/notifications";

export function Toasts() {
  return <Notifications position="top-center" />;
}
