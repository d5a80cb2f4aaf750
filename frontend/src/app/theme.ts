import { createTheme } from "@mantine/core";

// Vazirmatn (bundled through @fontsource, never fetched from the internet) covers Persian and Latin.
const FONT = "Vazirmatn, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', sans-serif";

export const theme = createTheme({
  fontFamily: FONT,
  headings: { fontFamily: FONT },
  primaryColor: "indigo",
  defaultRadius: "md",
});
