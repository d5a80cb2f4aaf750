// The customer ladder as the screens show it: rungs in order, side rungs after, and their colours.
import type { Stage, Tier } from "../../api/types";

export const LADDER: readonly Stage[] = ["suspect", "prospect", "first_time", "repeat", "client", "advocate", "partner"];
export const SIDE_RUNGS: readonly Stage[] = ["disqualified", "lapsed"];
export const STAGES: readonly Stage[] = [...LADDER, ...SIDE_RUNGS];
export const TIERS: readonly Tier[] = ["A", "B", "C"];
export const CHANNELS = ["email", "sms", "phone", "post"] as const;
export type Channel = (typeof CHANNELS)[number];
export const STRATEGIES = ["basic", "reactive", "accountable", "proactive", "partnership"] as const;

export const STAGE_COLOR: Record<Stage, string> = {
  suspect: "gray",
  prospect: "blue",
  first_time: "cyan",
  repeat: "teal",
  client: "green",
  advocate: "lime",
  partner: "violet",
  disqualified: "red",
  lapsed: "orange",
};

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

export function isTier(value: string): value is Tier {
  return (TIERS as readonly string[]).includes(value);
}

/** Whether a hand move needs a reason, as the API decides it: disqualifying, skipping rungs up, moving
 * down, requalifying, and winning back to another rung than the one the customer fell from. The form
 * asks for a reason up front in these cases; the API has the last word. */
export function moveNeedsReason(from: Stage, to: Stage, lapsedFrom: string | null): boolean {
  if (from === to) return false;
  if (to === "disqualified" || from === "disqualified") return true;
  if (to === "lapsed") return false;
  if (from === "lapsed") return to !== lapsedFrom;
  const a = LADDER.indexOf(from);
  const b = LADDER.indexOf(to);
  return b < a || b - a > 1;
}
