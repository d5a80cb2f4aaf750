import { useDirection } from "@mantine/core";
import { IconBuilding, IconStar, IconUser } from "@tabler/icons-react";
import type { TFunction } from "i18next";
import { memo, type MouseEvent, useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import type { CustomerSummary } from "../../api/types";
import { useFormat } from "../../lib/use-format";
import type { Stage, Tier } from "../../api/types";
import { STAGE_COLOR, STAGES, TIERS } from "./ladder";

interface Props {
  customers: CustomerSummary[];
  ownerName: (id: string | null) => string;
}

type Format = ReturnType<typeof useFormat>;

/** The words every row repeats, translated once per table instead of three times a row. */
function rowLabels(t: TFunction) {
  return {
    organization: t("kinds.organization"),
    person: t("kinds.person"),
    key: t("customers.key"),
    stages: Object.fromEntries(STAGES.map((stage) => [stage, t(`stages.${stage}`)])) as Record<Stage, string>,
    tiers: Object.fromEntries(TIERS.map((tier) => [tier, t(`tiers.${tier}`)])) as Record<Tier, string>,
  };
}

type Labels = ReturnType<typeof rowLabels>;

interface RowProps {
  customer: CustomerSummary;
  owner: string;
  pageStart: "left" | "right";
  labels: Labels;
  format: Format;
}

/** One customer. Memoized, and plain elements only (no Mantine component per cell): a search redraws
 * 50 new rows, which took about 200 ms with ~20 Mantine components a row on the bench machine; a next
 * page, owner names arriving or the list dimming while it loads leave the rows already shown alone.
 * The columns hide at Mantine's breakpoints, as their headings do (app.css). */
const CustomerRow = memo(function CustomerRow({ customer, owner, pageStart, labels, format }: RowProps) {
  const color = STAGE_COLOR[customer.stage];
  return (
    <tr className="row">
      <td className="cell">
        <div className="row-name">
          {customer.kind === "organization" ? (
            <IconBuilding size={16} aria-label={labels.organization} />
          ) : (
            <IconUser size={16} aria-label={labels.person} />
          )}
          <a href={`/customers/${customer.id}`} className="row-link">
            {customer.display_name}
          </a>
          {customer.is_key ? (
            <IconStar size={14} color="var(--mantine-color-yellow-6)" aria-label={labels.key} />
          ) : null}
        </div>
        {customer.organization_name && customer.kind === "person" ? (
          <div className="row-dim">{customer.organization_name}</div>
        ) : null}
      </td>
      <td className="cell">
        <span
          className="row-stage"
          style={{ background: `var(--mantine-color-${color}-light)`, color: `var(--mantine-color-${color}-light-color)` }}
        >
          {labels.stages[customer.stage]}
        </span>
      </td>
      <td className="cell from-md nowrap">{customer.importance_tier ? labels.tiers[customer.importance_tier] : ""}</td>
      <td className="cell from-sm">
        <div dir="ltr" className="row-email" style={{ textAlign: pageStart }}>
          {customer.primary_email ?? ""}
        </div>
        {customer.primary_phone ? (
          <div dir="ltr" className="row-dim" style={{ textAlign: pageStart }}>
            {format.digits(customer.primary_phone)}
          </div>
        ) : null}
      </td>
      <td className="cell from-lg">{owner}</td>
      <td className="cell from-lg">
        <div className="row-tags">
          {customer.tags.slice(0, 3).map((tag) => (
            <span key={tag} className="row-tag">
              {tag}
            </span>
          ))}
          {customer.tags.length > 3 ? <span className="row-dim">+{format.number(customer.tags.length - 3)}</span> : null}
        </div>
      </td>
      <td className="cell from-md nowrap">{format.instantDate(customer.created_at)}</td>
    </tr>
  );
});

/** What <Link> does for each row's link, done once for the table: a plain left click opens the customer
 * inside the app; other clicks (new tab, new window) are the browser's. Fifty <Link>s were a fifth of
 * the time it takes to draw the rows, on the first page and on every search. */
function useFollowRowLink() {
  const navigate = useNavigate();
  return useCallback(
    (event: MouseEvent<HTMLElement>) => {
      const plain = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
      if (event.defaultPrevented || !plain) return;
      const link = event.target instanceof Element ? event.target.closest("a.row-link") : null;
      if (!(link instanceof HTMLAnchorElement)) return;
      event.preventDefault();
      navigate(link.pathname);
    },
    [navigate],
  );
}

export function CustomerTable({ customers, ownerName }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  // E-mails and phones are left-to-right blocks (the "+" stays left, a long e-mail is cut at its end)
  // that still line up with the column's heading.
  const pageStart = useDirection().dir === "rtl" ? "right" : "left";
  const labels = useMemo(() => rowLabels(t), [t]);
  const followRowLink = useFollowRowLink();
  // A plain table styled in app.css as Mantine's Table draws it: Mantine's Table brings its scroll
  // container's ScrollArea along (~10 kB of script before the first rows) and renders ten components
  // for the headings alone.
  return (
    <div className="customer-table-scroll">
      <table className="customer-table" aria-label={t("customers.list.table")}>
        <thead>
          <tr>
            <th className="cell">{t("customers.fields.name")}</th>
            <th className="cell">{t("customers.fields.stage")}</th>
            <th className="cell from-md">{t("customers.fields.tier")}</th>
            <th className="cell from-sm">{t("customers.fields.contact")}</th>
            <th className="cell from-lg">{t("customers.fields.owner")}</th>
            <th className="cell from-lg">{t("customers.fields.tags")}</th>
            <th className="cell from-md">{t("customers.fields.created")}</th>
          </tr>
        </thead>
        <tbody onClick={followRowLink}>
          {customers.map((customer) => (
            <CustomerRow
              key={customer.id}
              customer={customer}
              owner={ownerName(customer.owner_id)}
              pageStart={pageStart}
              labels={labels}
              format={format}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
