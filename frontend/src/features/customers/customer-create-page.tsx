import { Paper, Stack, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";

import { ApiError, type ExistingCustomer, existingCustomers, fieldErrors } from "../../api/problem";
import { PageSkeleton } from "../../components/skeletons";
import { notifyError, notifySuccess } from "../../components/notify";
import { CustomerForm } from "./customer-form";
import { DuplicateNotice } from "./duplicate-notice";
import { createBody, type CustomerFormValues, emptyValues } from "./form-model";
import { useCreateCustomer, useCustomFields } from "./queries";

export function CustomerCreatePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const fields = useCustomFields();
  const create = useCreateCustomer();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [duplicate, setDuplicate] = useState<{ existing: ExistingCustomer[]; detail?: string } | null>(null);

  if (fields.isPending) return <PageSkeleton />;
  const defs = fields.data ?? [];

  const save = (values: CustomerFormValues, force: boolean) => {
    setErrors({});
    create.mutate(
      { body: createBody(values, defs), force },
      {
        onSuccess: (customer) => {
          if (!customer) return navigate("/customers");
          notifySuccess(t("customers.created", { name: customer.display_name }));
          navigate(`/customers/${customer.id}`);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.kind === "duplicate-customer") {
            const detail = error.problem?.detail;
            setDuplicate({ existing: existingCustomers(error.problem), ...(detail ? { detail } : {}) });
            return;
          }
          setDuplicate(null);
          if (error instanceof ApiError && error.status === 422) setErrors(fieldErrors(error.problem));
          notifyError(error);
        },
      },
    );
  };

  return (
    <Stack maw={960}>
      <Title order={1} size="h2">
        {t("customers.form.createTitle")}
      </Title>
      <Paper withBorder p={{ base: "sm", sm: "lg" }} radius="md">
        <CustomerForm
          mode="create"
          initial={emptyValues(params.get("kind") === "organization" ? "organization" : "person")}
          customFields={defs}
          errors={errors}
          submitting={create.isPending}
          onSubmit={save}
          onCancel={() => navigate(-1)}
          notice={
            duplicate ? (
              <DuplicateNotice
                existing={duplicate.existing}
                detail={duplicate.detail}
                creating={create.isPending}
                canCreateAnyway
              />
            ) : null
          }
        />
      </Paper>
    </Stack>
  );
}
