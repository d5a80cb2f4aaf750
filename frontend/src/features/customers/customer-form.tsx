// The customer form for both create and edit: persons and organizations, contact points, preferences,
// consent, relationship details and the admin's custom fields. Field errors from the API show beside
// their fields; errors no field shows are listed above the buttons.
import {
  Alert,
  Button,
  Fieldset,
  Group,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Textarea,
  TextInput,
} from "@mantine/core";
import { type FormEvent, type ReactNode, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { unplacedErrors } from "../../api/problem";
import type { CustomFieldRead } from "../../api/types";
import { DateInput } from "../../components/date-input";
import { serverText } from "../../lib/server-messages";
import { AddressRows } from "./address-rows";
import { ConsentInputs } from "./consent-inputs";
import { EmailRows, PhoneRows } from "./contact-rows";
import { CustomFieldInputs } from "./custom-field-inputs";
import { type CustomerFormValues, isFormPath } from "./form-model";
import { CHANNELS, STRATEGIES, TIERS } from "./ladder";
import { ownerLabel, ownerOptions, useOwnerSearch } from "./owner-options";
import { useColleagues, useOwnerChoices } from "./queries";

interface Props {
  mode: "create" | "edit";
  initial: CustomerFormValues;
  customFields: CustomFieldRead[];
  errors: Record<string, string>;
  submitting: boolean;
  /** `force`: submitted with a button marked data-force (e.g. "create anyway" in the notice). */
  onSubmit: (values: CustomerFormValues, force: boolean) => void;
  onCancel: () => void;
  /** Shown above the buttons: the duplicate warning, the "changed by someone else" notice. */
  notice?: ReactNode;
}

export function CustomerForm({ mode, initial, customFields, errors, submitting, onSubmit, onCancel, notice }: Props) {
  const { t, i18n } = useTranslation();
  const [values, setValues] = useState(initial);
  const owner = useOwnerSearch();
  const ownerId = values.owner_id;
  const keep = useMemo(
    () => [ownerId, initial.owner_id].filter((id): id is string => id !== null),
    [ownerId, initial.owner_id],
  );
  const inactive = t("customers.inactiveUser");
  // Once someone is picked the box shows their name: all the choices come back until it is edited.
  const picked = useColleagues(keep).colleague(ownerId);
  const search = picked && ownerLabel(picked, inactive) === owner.search ? "" : owner.search;
  const { users } = useOwnerChoices(search, keep, owner.opened);
  // Only active people can be given customers; the current owner stays listed even after leaving.
  // The API matched the names already.
  const owners = useMemo(
    () => ownerOptions(users, "", keep, inactive, (u) => u.is_active),
    [users, keep, inactive],
  );
  const set = <K extends keyof CustomerFormValues>(key: K, value: CustomerFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const isPerson = values.kind === "person";
  // A field the form has no input for ("utm.source") by the name the import shows; an API path only in English.
  const fieldLabel = (path: string) => {
    const key = `imports.fields.${path.replace(".", "_")}`;
    return i18n.exists(key) ? t(key) : (serverText(path) ?? null);
  };
  const leftover = unplacedErrors(errors, isFormPath, fieldLabel);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    onSubmit(values, submitter?.getAttribute("data-force") === "true");
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t(mode === "create" ? "customers.form.createTitle" : "customers.form.editTitle")}>
      <Stack gap="lg">
        {mode === "create" ? (
          <Group gap="lg" align="flex-end">
            <Radio.Group
              label={t("customers.form.kind")}
              value={values.kind}
              onChange={(kind) => set("kind", kind === "organization" ? "organization" : "person")}
            >
              <Group gap="md" mt={8} mb={6}>
                <Radio value="person" label={t("kinds.person")} />
                <Radio value="organization" label={t("kinds.organization")} />
              </Group>
            </Radio.Group>
            <Select
              label={t("customers.form.startStage")}
              data={[
                { value: "suspect", label: t("stages.suspect") },
                { value: "prospect", label: t("stages.prospect") },
              ]}
              value={values.stage}
              onChange={(stage) => set("stage", stage === "prospect" ? "prospect" : "suspect")}
              allowDeselect={false}
              w={220}
            />
          </Group>
        ) : null}

        <Fieldset legend={t("customers.form.identity")}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {isPerson ? (
              <>
                <TextInput
                  label={t("customers.form.firstName")}
                  value={values.first_name}
                  onChange={(e) => set("first_name", e.currentTarget.value)}
                  error={errors.first_name}
                  data-autofocus
                />
                <TextInput
                  label={t("customers.form.lastName")}
                  value={values.last_name}
                  onChange={(e) => set("last_name", e.currentTarget.value)}
                  error={errors.last_name}
                />
              </>
            ) : null}
            <TextInput
              label={t(isPerson ? "customers.form.company" : "customers.form.organizationName")}
              required={!isPerson}
              value={values.organization_name}
              onChange={(e) => set("organization_name", e.currentTarget.value)}
              error={errors.organization_name}
            />
            {isPerson ? (
              <TextInput
                label={t("customers.form.jobTitle")}
                value={values.job_title}
                onChange={(e) => set("job_title", e.currentTarget.value)}
                error={errors.job_title}
              />
            ) : null}
            <TextInput
              label={t("customers.form.displayName")}
              description={t("customers.form.displayNameHint")}
              value={values.display_name}
              onChange={(e) => set("display_name", e.currentTarget.value)}
              error={errors.display_name}
            />
            {isPerson ? (
              <DateInput
                label={t("customers.form.birthday")}
                value={values.birthday}
                onChange={(iso) => set("birthday", iso)}
                error={errors.birthday}
              />
            ) : null}
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend={t("customers.form.contactPoints")}>
          <Stack gap="md">
            <EmailRows rows={values.emails} onChange={(rows) => set("emails", rows)} errors={errors} />
            <PhoneRows rows={values.phones} onChange={(rows) => set("phones", rows)} errors={errors} />
            <AddressRows rows={values.addresses} onChange={(rows) => set("addresses", rows)} errors={errors} />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <Select
                label={t("customers.form.preferredChannel")}
                data={CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))}
                value={values.preferred_channel || null}
                onChange={(c) => set("preferred_channel", CHANNELS.find((x) => x === c) ?? "")}
                clearable
                error={errors.preferred_channel}
              />
              <Select
                label={t("customers.form.language")}
                data={[
                  { value: "fa", label: "فارسی" },
                  { value: "en", label: "English" },
                ]}
                value={values.language || null}
                onChange={(l) => set("language", l === "fa" || l === "en" ? l : "")}
                clearable
                error={errors.language}
              />
            </SimpleGrid>
          </Stack>
        </Fieldset>

        <Fieldset legend={t("customers.form.preferences")}>
          <TagsInput
            label={t("customers.form.preferencesLabel")}
            description={t("customers.form.preferencesHint")}
            value={values.preferences}
            onChange={(p) => set("preferences", p)}
            splitChars={[]}
            error={errors.preferences}
            clearable
          />
        </Fieldset>

        <Fieldset legend={t("customers.form.relationship")}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label={t("customers.form.tier")}
              data={TIERS.map((tier) => ({ value: tier, label: t(`tiers.${tier}`) }))}
              value={values.importance_tier || null}
              onChange={(tier) => set("importance_tier", TIERS.find((x) => x === tier) ?? "")}
              clearable
              error={errors.importance_tier}
            />
            <Select
              label={t("customers.form.owner")}
              description={mode === "create" ? t("customers.form.ownerHint") : undefined}
              data={owners}
              value={values.owner_id}
              onChange={(id) => set("owner_id", id)}
              {...owner.pickerProps}
              error={errors.owner_id}
            />
            <TagsInput
              label={t("customers.form.tags")}
              value={values.tags}
              onChange={(tags) => set("tags", tags)}
              error={errors.tags}
              clearable
            />
            <Select
              label={t("customers.form.strategy")}
              description={t("customers.form.strategyHint")}
              data={STRATEGIES.map((s) => ({ value: s, label: t(`strategies.${s}`) }))}
              value={values.strategy_override || null}
              onChange={(s) => set("strategy_override", STRATEGIES.find((x) => x === s) ?? "")}
              clearable
              error={errors.strategy_override}
            />
            <TextInput
              label={t("customers.form.sourceChannel")}
              placeholder={t("customers.filters.sourcePlaceholder")}
              value={values.source_channel}
              onChange={(e) => set("source_channel", e.currentTarget.value)}
              error={errors.source_channel}
            />
            <TextInput
              label={t("customers.form.sourceRef")}
              value={values.source_ref}
              onChange={(e) => set("source_ref", e.currentTarget.value)}
              error={errors.source_ref}
            />
          </SimpleGrid>
          <Textarea
            mt="sm"
            label={t("customers.form.desiredOutcome")}
            autosize
            minRows={2}
            value={values.desired_outcome}
            onChange={(e) => set("desired_outcome", e.currentTarget.value)}
            error={errors.desired_outcome}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" mt="sm">
            <TextInput
              label={t("customers.form.targetValue")}
              inputMode="decimal"
              value={values.target_value}
              onChange={(e) => set("target_value", e.currentTarget.value)}
              error={errors.target_value}
            />
            <TextInput
              label={t("customers.form.targetCurrency")}
              placeholder="IRR"
              maxLength={3}
              dir="ltr"
              value={values.target_currency}
              onChange={(e) => set("target_currency", e.currentTarget.value.toUpperCase())}
              error={errors.target_currency}
            />
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend={t("customers.form.consent")}>
          <ConsentInputs
            consent={values.consent}
            source={values.consent_source}
            onChange={(channel, answer) => setValues((v) => ({ ...v, consent: { ...v.consent, [channel]: answer } }))}
            onSourceChange={(source) => set("consent_source", source)}
            error={Object.entries(errors).find(([path]) => path.startsWith("consent"))?.[1]}
          />
        </Fieldset>

        {customFields.length ? (
          <Fieldset legend={t("customers.form.customFields")}>
            {errors.custom_fields ? (
              <Alert color="red" mb="sm" role="alert">
                {errors.custom_fields}
              </Alert>
            ) : null}
            <CustomFieldInputs
              fields={customFields}
              values={values.custom_fields}
              onChange={(key, value) => setValues((v) => ({ ...v, custom_fields: { ...v.custom_fields, [key]: value } }))}
              errors={errors}
            />
          </Fieldset>
        ) : null}

        {leftover.length ? (
          <Alert color="red" role="alert" title={t("errors.kinds.validation-error")}>
            {leftover.map((line) => (
              <div key={line}>{line}</div>
            ))}
          </Alert>
        ) : null}
        {notice}

        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={submitting}>
            {mode === "create" ? t("customers.form.create") : t("common.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
