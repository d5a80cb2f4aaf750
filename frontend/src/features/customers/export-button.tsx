// "Export CSV" on the customer list: exactly the rows the list's filters and sort show, downloaded
// through the API client (with the session's token) and saved from an object URL.
import { Button } from "@mantine/core";
import { IconFileExport } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

import { notifySuccess } from "../../components/notify";
import { fileDate, saveBlob } from "../../lib/download";
import { type CustomerFilters, useExportCustomersCsv } from "./queries";

export function ExportButton({ filters }: { filters: CustomerFilters }) {
  const { t } = useTranslation();
  const exportCsv = useExportCustomersCsv();
  return (
    <Button
      variant="default"
      ms="auto"
      leftSection={<IconFileExport size={16} />}
      loading={exportCsv.isPending}
      onClick={() =>
        exportCsv.mutate(filters, {
          onSuccess: (blob) => {
            saveBlob(blob, `customers-${fileDate()}.csv`);
            notifySuccess(t("exportCsv.done"));
          },
        })
      }
    >
      {t("exportCsv.button")}
    </Button>
  );
}
