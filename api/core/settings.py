"""One settings object for the whole system, read from the environment (prefix ``PEYVAND_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
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
    # Per process. A steady pool: overflow connections opened and closed under load cost far more
    # than the idle ones kept.
    db_pool_size: int = 20
    db_max_overflow: int = 5

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
    idempotency_ttl_hours: int = 24

    log_level: str = "INFO"
    log_json: bool = True
    worker_metrics_port: int | None = None
    worker_heartbeat_seconds: int = 10
    default_phone_region: str = "IR"

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
