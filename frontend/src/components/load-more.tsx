import { Button, Center, Loader } from "@mantine/core";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

interface Props {
  hasMore: boolean;
  loading: boolean;
  onLoad: () => void;
}

/** The end of an infinite list: loads the next page when it scrolls into view, and is a button for
 * keyboards (and for browsers without IntersectionObserver). */
export function LoadMore({ hasMore, loading, onLoad }: Props) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const load = useRef(onLoad);
  load.current = onLoad;

  useEffect(() => {
    const node = ref.current;
    if (!node || !hasMore || typeof IntersectionObserver === "undefined") return undefined;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) load.current();
      },
      { rootMargin: "400px" },
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, [hasMore]);

  if (!hasMore) return null;
  return (
    <Center ref={ref} py="md">
      {loading ? (
        <Loader size="sm" aria-label={t("common.loading")} />
      ) : (
        <Button variant="light" onClick={onLoad}>
          {t("common.loadMore")}
        </Button>
      )}
    </Center>
  );
}
