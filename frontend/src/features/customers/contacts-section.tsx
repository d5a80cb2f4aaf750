// An organization's contacts: persons linked with a role. Adding picks an existing person.
import { ActionIcon, Anchor, Button, Combobox, Group, Loader, Stack, Text, TextInput, useCombobox } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconTrash, IconUserPlus } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import type { CustomerSummary } from "../../api/types";
import { notifySuccess } from "../../components/notify";
import { useAddContact, useContacts, useCustomerSearch, useRemoveContact } from "./queries";

function PersonPicker({ onPick, label }: { onPick: (person: CustomerSummary) => void; label: string }) {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const search = useCustomerSearch(debounced);
  const combobox = useCombobox();
  const people = (search.data?.items ?? []).filter((c) => c.kind === "person");
  return (
    <Combobox
      store={combobox}
      onOptionSubmit={(id) => {
        const person = people.find((p) => p.id === id);
        if (person) {
          onPick(person);
          setQ(person.display_name);
        }
        combobox.closeDropdown();
      }}
    >
      <Combobox.Target>
        <TextInput
          label={label}
          placeholder={t("customers.contacts.searchPerson")}
          value={q}
          rightSection={search.isFetching ? <Loader size={14} /> : null}
          onChange={(e) => {
            setQ(e.currentTarget.value);
            combobox.openDropdown();
          }}
          onFocus={() => combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={!debounced}>
        <Combobox.Options>
          {people.map((p) => (
            <Combobox.Option key={p.id} value={p.id}>
              {p.display_name}
              {p.primary_email ? (
                <Text span size="xs" c="dimmed">
                  {" "}
                  <bdi dir="ltr">{p.primary_email}</bdi>
                </Text>
              ) : null}
            </Combobox.Option>
          ))}
          {search.isSuccess && people.length === 0 ? <Combobox.Empty>{t("search.noResults")}</Combobox.Empty> : null}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}

export function ContactsSection({ organizationId, canWrite }: { organizationId: string; canWrite: boolean }) {
  const { t } = useTranslation();
  const contacts = useContacts(organizationId, true);
  const add = useAddContact(organizationId);
  const remove = useRemoveContact(organizationId);
  const [adding, setAdding] = useState(false);
  const [person, setPerson] = useState<CustomerSummary | null>(null);
  const [role, setRole] = useState("");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!person) return;
    add.mutate(
      { personId: person.id, role: role.trim() || null },
      {
        onSuccess: () => {
          notifySuccess(t("customers.contacts.added", { name: person.display_name }));
          setAdding(false);
          setPerson(null);
          setRole("");
        },
      },
    );
  };

  return (
    <Stack gap="xs">
      {contacts.isPending ? <Loader size="sm" /> : null}
      {contacts.data?.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("customers.contacts.none")}
        </Text>
      ) : null}
      {contacts.data?.map((link) => (
        <Group key={link.person_id} justify="space-between" wrap="nowrap">
          <div>
            <Anchor component={Link} to={`/customers/${link.person_id}`} size="sm">
              {link.person?.display_name ?? t("customers.contacts.person")}
            </Anchor>
            {link.role ? (
              <Text size="xs" c="dimmed">
                {link.role}
              </Text>
            ) : null}
          </div>
          {canWrite ? (
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={t("customers.contacts.remove", { name: link.person?.display_name ?? "" })}
              onClick={() => remove.mutate(link.person_id)}
              loading={remove.isPending && remove.variables === link.person_id}
            >
              <IconTrash size={16} />
            </ActionIcon>
          ) : null}
        </Group>
      ))}
      {canWrite && !adding ? (
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={<IconUserPlus size={14} />}
          onClick={() => setAdding(true)}
          style={{ alignSelf: "flex-start" }}
        >
          {t("customers.contacts.add")}
        </Button>
      ) : null}
      {adding ? (
        <form onSubmit={submit}>
          <Stack gap="xs">
            <PersonPicker label={t("customers.contacts.person")} onPick={setPerson} />
            <TextInput label={t("customers.contacts.role")} value={role} onChange={(e) => setRole(e.currentTarget.value)} />
            <Group gap="xs">
              <Button type="submit" size="xs" disabled={!person} loading={add.isPending}>
                {t("common.add")}
              </Button>
              <Button size="xs" variant="default" onClick={() => setAdding(false)}>
                {t("common.cancel")}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Stack>
  );
}
