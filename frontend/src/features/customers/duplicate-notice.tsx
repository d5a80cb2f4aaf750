import { Alert, Anchor, Button, List, Stack, Text } from "@mantine/core";
import { IconCopy } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import type { ExistingCustomer } from "../../api/problem";
import { serverText } from "../../lib/server-messages";

/** A likely duplicate (409): links to the customers who already hold the e-mail or phone (named by
 * the 409 itself, nothing fetched), and the choice to create the new record anyway. */
export function DuplicateNotice({
  existing,
  detail,
  canCreateAnyway,
  creating,
}: {
  existing: ExistingCustomer[];
  detail: string | undefined;
  /** Offer a submit button (inside the form) that creates the record anyway. */
  canCreateAnyway?: boolean;
  creating?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Alert color="orange" icon={<IconCopy size={18} />} title={t("errors.kinds.duplicate-customer")} role="alert">
      <Stack gap="xs">
        <Text size="sm">{existing.length ? t("customers.duplicate.intro") : (serverText(detail) ?? t("customers.duplicate.hidden"))}</Text>
        {existing.length ? (
          <List size="sm">
            {existing.map((c) => (
              <List.Item key={c.id}>
                <Anchor component={Link} to={`/customers/${c.id}`} target="_blank" rel="noopener">
                  {c.display_name || t("customers.duplicate.open")}
                </Anchor>
              </List.Item>
            ))}
          </List>
        ) : null}
        {canCreateAnyway ? (
          <Button
            type="submit"
            data-force="true"
            variant="light"
            color="orange"
            size="xs"
            loading={creating ?? false}
            style={{ alignSelf: "flex-start" }}
          >
            {t("customers.duplicate.createAnyway")}
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}
