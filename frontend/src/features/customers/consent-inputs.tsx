// Consent per channel: never asked, granted or withdrawn, and how the change was obtained.
import { SegmentedControl, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { ConsentAnswer } from "./form-model";
import { CHANNELS, type Channel } from "./ladder";

interface Props {
  consent: Record<Channel, ConsentAnswer>;
  source: string;
  onChange: (channel: Channel, answer: ConsentAnswer) => void;
  onSourceChange: (source: string) => void;
  error?: string | undefined;
}

export function ConsentInputs({ consent, source, onChange, onSourceChange, error }: Props) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {CHANNELS.map((channel) => (
          <Stack key={channel} gap={4} role="group" aria-labelledby={`consent-${channel}`}>
            <Text size="sm" fw={500} id={`consent-${channel}`}>
              {t(`channels.${channel}`)}
            </Text>
            <SegmentedControl
              fullWidth
              size="xs"
              value={consent[channel]}
              onChange={(value) => onChange(channel, value as ConsentAnswer)}
              data={[
                { value: "unknown", label: t("customers.consent.unknown") },
                { value: "granted", label: t("customers.consent.granted") },
                { value: "withdrawn", label: t("customers.consent.withdrawn") },
              ]}
            />
          </Stack>
        ))}
      </SimpleGrid>
      <TextInput
        label={t("customers.consent.source")}
        description={t("customers.consent.sourceHint")}
        value={source}
        onChange={(e) => onSourceChange(e.currentTarget.value)}
        error={error}
        maw={360}
      />
    </Stack>
  );
}
