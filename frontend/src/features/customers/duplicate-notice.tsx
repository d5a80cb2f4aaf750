import { Alert, Anchor, Button, List, Stack, Text } from "@mantine/core";
import { IconCopy } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useCustomerName } from "./queries";

function ExistingLink({ id }: { id: string }) {
  const { t } = useTranslation();
  const name = useCustomerName(id);
  return (
    <Anchor component={Link} to={`/customers/${id}`} target="_blank" rel="noopener">
      {name.data ?? t("customers.duplicate.open")}
    </Anchor>
  );
}

/** A likely duplicate (409): links to the customers who already hold the e-mail or phone, and the
 * choice to create the new record anyway. */
export function DuplicateNotice({
  existingIds,
  detail,
  canCreateAnyway,
  creating,
}: {
  existingIds: string[];
  detail: string | undefined;
  /** Offer a submit button (inside the form) that creates the record anyway. */
  canCreateAnyway?: boolean;
  creating?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Alert color="orange" icon={<IconCopy size={18} />} title={t("errors.kinds.duplicate-customer")} role="alert">
      <Stack gap="xs">
        <Text size="sm">{existingIds.length ? t("customers.duplicate.intro") : (detail ?? t("customers.duplicate.hidden"))}</Text>
        {existingIds.length ? (
          <List size="sm">
            {existingIds.map((id) => (
              <List.Item key={id}>
                <ExistingLink id={id} />
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
