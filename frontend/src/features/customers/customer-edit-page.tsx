import { Paper, Stack, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";

import { ApiError, type ExistingCustomer, existingCustomers, fieldErrors } from "../../api/problem";
import type { CustomerRead, CustomFieldRead } from "../../api/types";
import { LoadFailure } from "../../components/status-pages";
import { PageSkeleton } from "../../components/skeletons";
import { notifyError, notifySuccess } from "../../components/notify";
import { ConflictNotice } from "./conflict-notice";
import { CustomerForm } from "./customer-form";
import { DuplicateNotice } from "./duplicate-notice";
import { type CustomerFormValues, updateBody, valuesFromCustomer } from "./form-model";
import { customerQuery, useCustomer, useCustomFields, useUpdateCustomer } from "./queries";

interface Base {
  customer: CustomerRead;
  etag: string | null;
}

export function CustomerEditPage() {
  const { customerId = "" } = useParams();
  const query = useCustomer(customerId);
  const fields = useCustomFields();

  if (query.isPending || fields.isPending) return <PageSkeleton />;
  if (query.isError) return <LoadFailure error={query.error} onRetry={() => void query.refetch()} />;
  return <EditForm initial={{ customer: query.data.data, etag: query.data.etag }} fields={fields.data ?? []} />;
}

/** The form keeps the version it was opened on: its ETag goes with the save, so a change someone else
 * made meanwhile is a 412 and never silently overwritten. */
function EditForm({ initial, fields }: { initial: Base; fields: CustomFieldRead[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [base, setBase] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState<CustomerFormValues | null>(null);
  const [duplicate, setDuplicate] = useState<{ existing: ExistingCustomer[]; detail?: string } | null>(null);
  const update = useUpdateCustomer(base.customer.id);
  const initialValues = valuesFromCustomer(base.customer, fields);

  const save = (values: CustomerFormValues, onto: Base = base) => {
    setErrors({});
    setDuplicate(null);
    const body = updateBody(values, initialValues, fields);
    if (Object.keys(body).length === 0) {
      navigate(`/customers/${base.customer.id}`);
      return;
    }
    update.mutate(
      { body, etag: onto.etag },
      {
        onSuccess: (fresh) => {
          notifySuccess(t("customers.saved", { name: fresh.data.display_name }));
          navigate(`/customers/${fresh.data.id}`);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 412) return setConflict(values);
          if (error instanceof ApiError && error.kind === "duplicate-customer") {
            const detail = error.problem?.detail;
            return setDuplicate({ existing: existingCustomers(error.problem), ...(detail ? { detail } : {}) });
          }
          if (error instanceof ApiError && error.status === 422) setErrors(fieldErrors(error.problem));
          notifyError(error);
        },
      },
    );
  };

  const latest = async (): Promise<Base> => {
    const fresh = await queryClient.fetchQuery({ ...customerQuery(base.customer.id), staleTime: 0 });
    return { customer: fresh.data, etag: fresh.etag };
  };

  const reload = () => {
    latest()
      .then((fresh) => {
        setConflict(null);
        setBase(fresh);
      })
      .catch(notifyError);
  };

  // My changes (what differs from the version I opened) applied on top of the current version.
  const overwrite = () => {
    const mine = conflict;
    if (!mine) return;
    latest()
      .then((fresh) => {
        setConflict(null);
        save(mine, fresh);
      })
      .catch(notifyError);
  };

  return (
    <Stack maw={960}>
      <Title order={1} size="h2">
        {t("customers.form.editTitleOf", { name: base.customer.display_name })}
      </Title>
      <Paper withBorder p={{ base: "sm", sm: "lg" }} radius="md">
        <CustomerForm
          key={base.etag ?? "none"}
          mode="edit"
          initial={initialValues}
          customFields={fields}
          errors={errors}
          submitting={update.isPending}
          onSubmit={(values) => save(values)}
          onCancel={() => navigate(`/customers/${base.customer.id}`)}
          notice={
            <>
              {conflict ? <ConflictNotice onReload={reload} onOverwrite={overwrite} busy={update.isPending} /> : null}
              {duplicate ? <DuplicateNotice existing={duplicate.existing} detail={duplicate.detail} /> : null}
            </>
          }
        />
      </Paper>
    </Stack>
  );
}
