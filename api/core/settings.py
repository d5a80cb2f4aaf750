"""One settings object for the whole system, read from the environment (prefix ``PEYVAND_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PEYVAND_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path(".data")
    # The conventional names are accepted as well as the prefixed ones.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("PEYVAND_DATABASE_URL", "DATABASE_URL")
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("PEYVAND_REDIS_URL", "REDIS_URL")
    )
    # A fixed pool per process: SQLAlchemy closes overflow connections as soon as they are returned, so
    # under steady load they were opened and closed over and over (a PostgreSQL backend and the driver's
    # type setup each time); 25 kept connections serve 32 concurrent requests over two workers.
    db_pool_size: int = 25
    db_max_overflow: int = 0
    # The planner's cost of reading a page out of order, set on the API's own connections. PostgreSQL's
    # default (4) is for spinning disks: with it, a rung + tag list walked the newest customers of every
    # rung (rows stored in created_at order look cheap to read) rather than the rung's own index, 20 ms
    # instead of 1.5 when the newest customers are all suspects. None: keep the server's setting.
    db_random_page_cost: float | None = Field(default=1.1, gt=0)

    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    public_url: str = ""
    cors_origins: list[str] = []
    spa_dir: Path | None = None
    behind_tls: bool = False

    admin_email: str | None = None
    admin_password: SecretStr | None = None

    # Argon2id cost: RFC 9106's second recommended option by default; production refuses less than
    # OWASP's floor (19 MiB). Tests lower it to keep the suite fast.
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
    access_token_ttl_seconds: int = 12 * 3600
    login_max_failures: int = 5
    login_lockout_seconds: int = 15 * 60
    login_rate_per_minute: int = 20
    public_rate_per_minute: int = 60
    max_body_bytes: int = 1_048_576
    # CSV uploads (POST /api/v1/imports) only; every other route keeps max_body_bytes.
    max_upload_bytes: int = 50 * 1_048_576
    import_batch_size: int = 1000
    # `peyvand run` loads the demo organisation and customers into an empty database.
    demo_data: bool = False
    idempotency_ttl_hours: int = 24

    log_level: str = "INFO"
    log_json: bool = True
    worker_metrics_port: int | None = None
    worker_heartbeat_seconds: int = 10
    default_phone_region: str = "IR"

    # The customer ladder (api/customers/ladder.py). A customer becomes a `client` ("buys from us
    # regularly") after this many purchases within this many days; a buyer with no purchase for
    # PEYVAND_LADDER_LAPSE_DAYS is moved to `lapsed` by the nightly job (a win-back target).
    ladder_client_purchases: int = Field(3, ge=2)
    ladder_client_window_days: int = Field(365, ge=1)
    ladder_lapse_days: int = Field(180, ge=1)
    # Rows per transaction in the nightly ladder and value jobs: small enough that no customer stays
    # locked for long, big enough that a million customers take a few hundred statements.
    ladder_batch_size: int = Field(1000, ge=1)
    # Customer value (api/customers/value.py). Lifetime revenue is kept in one currency; purchase facts
    # in another one are refused until currency conversion exists.
    value_currency: str = Field("IRR", min_length=3, max_length=3)
    # Key customers: "profitability" = the customers who together make this share of all margin (the
    # 80/20 rule); "loyalty" = buying for at least this many years and still active; "ideas" = at least
    # this many referrals and suggestions brought.
    key_profit_share: float = Field(0.8, gt=0, le=1)
    key_loyalty_years: int = Field(3, ge=1)
    key_ideas_min: int = Field(3, ge=1)
    # Relationship strategy (Kotler's matrix). Margin rate (margin / revenue of a customer's purchases)
    # at or above the high mark is "high", below the low mark "low"; retail margins of 10-30 % are the
    # usual middle. A segment (customers of the same kind and importance tier on a buying rung) of at
    # least "many" customers is "many", of fewer than "few" is "few": below ~100 customers each one can
    # be called personally, above ~1000 only programmes (mailings, hotlines) reach them all.
    strategy_high_margin_pct: float = Field(30, ge=0)
    strategy_low_margin_pct: float = Field(10, ge=0)
    strategy_many_customers: int = Field(1000, ge=2)
    strategy_few_customers: int = Field(100, ge=1)

    @field_validator("db_random_page_cost", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        # PEYVAND_DB_RANDOM_PAGE_COST= (empty): leave the server's setting alone.
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.env == "production":
            secret = self.secret_key.get_secret_value()
            if secret == PLACEHOLDER_SECRET or len(secret) < 32:
                raise ValueError("PEYVAND_SECRET_KEY must be set to 32+ random characters in production")
            if self.password_hash_memory_kib < 19456 or self.password_hash_time_cost < 2:
                raise ValueError("Argon2id cost below the safe minimum (19456 KiB, time cost 2)")
            if not self.database_url or not self.redis_url:
                raise ValueError("DATABASE_URL and REDIS_URL are required in production")
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@lru_cache
def get_settings() -> Settings:
    return Settings()
