// Inputs for the admin-defined custom fields, one per type; labels in the viewer's language.
import { Checkbox, Select, SimpleGrid, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { CustomFieldRead } from "../../api/types";
import { DateInput } from "../../components/date-input";
import { usePreferences } from "../../lib/use-preferences";
import type { CustomValue } from "./form-model";

interface Props {
  fields: CustomFieldRead[];
  values: Record<string, CustomValue>;
  onChange: (key: string, value: CustomValue) => void;
  errors: Record<string, string>;
}

export function useFieldLabel() {
  const { language } = usePreferences();
  return (field: CustomFieldRead) => (language === "fa" && field.label_fa ? field.label_fa : field.label);
}

export function CustomFieldInputs({ fields, values, onChange, errors }: Props) {
  const { t } = useTranslation();
  const labelOf = useFieldLabel();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      {fields.map((field) => {
        const label = labelOf(field);
        const value = values[field.key] ?? null;
        const error = errors[`custom_fields.${field.key}`];
        switch (field.type) {
          case "boolean":
            return (
              <Checkbox
                key={field.key}
                mt="lg"
                label={label}
                checked={value === true}
                onChange={(e) => onChange(field.key, e.currentTarget.checked)}
                error={error}
              />
            );
          case "choice":
            return (
              <Select
                key={field.key}
                label={label}
                required={field.required}
                data={field.choices}
                value={typeof value === "string" && value ? value : null}
                onChange={(choice) => onChange(field.key, choice)}
                clearable={!field.required}
                placeholder={t("customers.form.choose")}
                error={error}
              />
            );
          case "date":
            return (
              <DateInput
                key={field.key}
                label={label}
                required={field.required}
                value={typeof value === "string" && value ? value : null}
                onChange={(iso) => onChange(field.key, iso)}
                error={error}
              />
            );
          case "number":
            return (
              <TextInput
                key={field.key}
                label={label}
                required={field.required}
                inputMode="decimal"
                value={typeof value === "string" ? value : ""}
                onChange={(e) => onChange(field.key, e.currentTarget.value)}
                error={error}
              />
            );
          default:
            return (
              <TextInput
                key={field.key}
                label={label}
                required={field.required}
                value={typeof value === "string" ? value : ""}
                onChange={(e) => onChange(field.key, e.currentTarget.value)}
                error={error}
              />
            );
        }
      })}
    </SimpleGrid>
  );
}
