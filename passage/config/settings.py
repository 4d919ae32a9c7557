"""All configuration, read from environment variables (prefix PASSAGE_) and an optional .env."""

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SmsMode(StrEnum):
    TWILIO = "twilio"  # a Twilio account is configured: SMS reach real phones
    SANDBOX = "sandbox"  # `passage run` started the local phone sandbox: SMS reach /dev/phone
    OFF = "off"  # nothing can send: SMS referrals wait in the outbox


# The number the phone sandbox sends from (Twilio's test "From" number, which it accepts).
SANDBOX_FROM_NUMBER = "+15005550006"


@dataclass(frozen=True)
class SmsAccount:
    account_sid: str
    auth_token: str
    from_number: str
    api_base: str  # "" for api.twilio.com; a loopback URL for the sandbox and tests


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PASSAGE_", env_file=".env", extra="ignore")

    var_dir: Path = Field(
        default=Path("var"), description="Where databases, models and run files live."
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the app database; empty means sqlite:///<var_dir>/passage.db.",
    )
    tracker_db: Path = Field(
        default=Path(""),
        description="SQLite file of the Rasa tracker store; empty means <var_dir>/tracker.db.",
    )
    tracker_url: str = Field(
        default="",
        description="SQLAlchemy URL of the Rasa tracker store's database, such as "
        "postgresql://passage@db.internal:5432/passage_tracker (scaled profile); empty means "
        "the SQLite file tracker_db.",
    )
    model_cache_dir: Path = Field(
        default=Path.home() / ".cache" / "passage" / "models",
        description="Trained Rasa models, kept across clones and keyed by a hash of their inputs.",
    )
    rasa_executable: Path = Field(
        default=Path(".venv-rasa/bin/rasa"),
        description="The `rasa` command of the Python 3.10 venv.",
    )
    host: str = Field(default="127.0.0.1", description="Interface every server binds to.")
    api_port: int = Field(default=8000, ge=1, le=65535)
    actions_port: int = Field(default=5055, ge=1, le=65535)
    rasa_port: int = Field(default=5005, ge=1, le=65535)
    rasa_url: str = Field(
        default="", description="Rasa server base URL; empty means http://<host>:<rasa_port>."
    )
    default_language: str = Field(
        default="en", description="Language of the bot before one is chosen."
    )
    public_hotline: str = Field(
        default="112",
        max_length=32,
        description="The public help number: given in the chat to a sender who is not "
        "enrolled, and to the person in the handout of their rights.",
    )
    quick_exit_url: str = Field(
        default="about:blank",
        pattern=r"^(about:blank|https?://[^\s\"'<>]+)$",
        description="Where the web chat's quick exit (button or Escape) sends the browser.",
    )
    worker_interval_seconds: float = Field(default=5.0, gt=0)
    tracker_retention_hours: float = Field(
        default=72.0,
        gt=0,
        description="Chat transcripts are deleted this long after the conversation's last "
        "event, unless a case under legal hold is named in them.",
    )
    closed_case_retention_days: int = Field(
        default=365,
        ge=1,
        description="Closed cases are reduced to anonymous statistics this long after closing.",
    )
    retention_interval_hours: float = Field(
        default=24.0, gt=0, description="How often the worker runs retention."
    )
    reflection_period_days: int = Field(
        default=30,
        ge=1,
        le=366,
        description="A reflection period recorded on a case lasts this long: nothing is shared "
        "with the police meanwhile, and the officer is reminded when it ends.",
    )
    log_level: str = Field(default="INFO")
    chat_message_max_chars: int = Field(
        default=2000, ge=1, description="Longer web chat messages are refused."
    )
    match_max_distance_km: float = Field(
        default=50.0,
        gt=0,
        description="How far a service without a published service area may be from the case.",
    )
    capacity_max_age_hours: float = Field(
        default=24.0, gt=0, description="Older free-place figures count as unknown in matching."
    )
    demo_directory: Path = Field(
        default=Path(__file__).resolve().parents[2] / "referral_directory" / "demo",
        description="HSDS data `passage run` loads into an empty directory; empty to load none.",
    )

    public_base_url: str = Field(
        default="",
        description="URL at which Twilio and providers reach the API (webhook signatures and SMS "
        "links are built on it); empty means http://<host>:<api_port>.",
    )
    twilio_account_sid: str = Field(default="", description="Empty: SMS referrals wait unsent.")
    twilio_auth_token: str = Field(default="", repr=False)
    twilio_from_number: str = Field(default="", description="E.164 number SMS are sent from.")
    twilio_api_base: str = Field(
        default="",
        description="Only for tests and demos: a loopback URL (http://127.0.0.1:PORT) that stands "
        "in for https://api.twilio.com.",
    )
    sms_sandbox: bool | None = Field(
        default=None,
        description="Without a Twilio account, `passage run` starts a local phone sandbox (a "
        "Twilio-shaped SMS gateway on loopback and the page /dev/phone): by default only on a "
        "database that holds the demo directory; true: always; false: never.",
    )
    sms_sandbox_port: int = Field(default=8025, ge=1, le=65535)
    # Set by `passage run` for the processes it starts, when it started the sandbox; never by
    # hand. Its presence is what tells those processes that the sandbox is there.
    sms_sandbox_token: str = Field(default="", repr=False)
    referral_link_ttl_hours: float = Field(
        default=72.0, gt=0, description="How long the link in a referral SMS can be used."
    )
    urgent_deadline_minutes: int = Field(
        default=30, ge=1, description="Longest time a provider has to answer an urgent referral."
    )
    outbox_stale_after_seconds: float = Field(
        default=120.0,
        gt=0,
        description="A message `sending` for longer was left by a worker that died mid-send; "
        "longer than any send takes (the Twilio client gives up after 15 s).",
    )
    outbox_max_attempts: int = Field(
        default=8, ge=1, description="Sends retried (429, no connection) before dead-lettering."
    )
    argos_packages_dir: Path = Field(
        default=Path(""),
        description="Installed machine translation models (Argos Translate packages); "
        "empty means <var_dir>/argos-packages.",
    )
    # Not validated here: a pydantic error would quote the value, which is key material.
    data_keys: str = Field(
        default="",
        repr=False,
        description="Keys that encrypt identifying fields at rest: comma-separated "
        "key_id:base64url-32-bytes (`passage keys new` makes one); the first encrypts, all "
        "decrypt. Empty means the key file <var_dir>/data-keys, made on first use.",
    )

    chat_key: str = Field(
        default="",
        repr=False,
        description="Server key (32+ characters) that turns a chat's identity (the web chat's "
        "cookie, a Telegram chat, a phone number) into a conversation id Rasa may see, and signs "
        "the API's calls to Rasa's channels. Empty means the key file <var_dir>/chat-key, made "
        "on first use. Every API process must share it.",
    )

    rasa_api_token: str = Field(
        default="",
        repr=False,
        description="Token (32+ characters) every caller of Rasa's HTTP API (`/conversations/...`, "
        "`/status`, `/model/...`) must show; the channels' webhooks are not the HTTP API. Empty "
        "means the key file <var_dir>/rasa-api-token, made on first use. The API, the worker "
        "and Rasa must share it.",
    )
    action_server_token: str = Field(
        default="",
        repr=False,
        description="Token (32+ characters) Rasa shows the action server on every call; the "
        "action server answers 401 without it (`/health` excepted). Empty means the key file "
        "<var_dir>/action-server-token, made on first use.",
    )

    telegram_bot_token: str = Field(
        default="",
        repr=False,
        description="The bot's token from @BotFather (123456:ABC...); empty: no Telegram.",
    )
    telegram_api_base: str = Field(
        default="https://api.telegram.org",
        pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
        description="Telegram's Bot API, or a local telegram-bot-api server (air-gapped sites, "
        "tests).",
    )
    twilio_whatsapp_from: str = Field(
        default="",
        description="WhatsApp sender of officers' conversations, e.g. whatsapp:+14155238886; "
        "empty: officers use SMS only.",
    )
    whatsapp_news_template_sid: str = Field(
        default="",
        description="ContentSid of an approved WhatsApp template that says only that there is "
        'news ("Reply NEWS"), sent when the 24-hour window is shut.',
    )

    # Hostile input (api.body_limit, api.rate_limits): bounds on what one client can make the API
    # read or do. The rate limits count over a moving minute, in this process or in Redis.
    max_request_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Larger request bodies are refused with 413."
    )
    rate_limit_per_ip_per_minute: int = Field(
        default=300,
        ge=1,
        description="Anonymous requests (no valid API key, staff session or enrolled chat) "
        "one client address may make per minute (429).",
    )
    rate_limit_per_account_per_minute: int = Field(
        default=120,
        ge=1,
        description="Requests per minute of one account: its staff sessions and the web chats "
        "enrolled to it (429).",
    )
    rate_limit_per_api_key_per_minute: int = Field(
        default=120, ge=1, description="Partner API requests per minute and API key (429)."
    )
    rate_limit_per_chat_sender_per_minute: int = Field(
        default=30, ge=1, description="Web chat messages per minute and chat sender id (429)."
    )
    rate_limit_storage_uri: str = Field(
        default="",
        description="Where the rate limits count: empty for this process's memory (embedded "
        "profile), or a `limits` storage URI such as redis://127.0.0.1:6379/1 so that "
        "replicas share their counts (scaled profile).",
    )

    # The scaled profile: several replicas of every process (passage.runtime.scaled_profile).
    replicas: int = Field(
        default=1,
        ge=1,
        le=8,
        description="How many of each process `passage run` starts: 1 is the embedded profile; "
        "more need PostgreSQL (database_url, tracker_url) and Redis (redis_url), and put nginx "
        "in front on the api, rasa and actions ports.",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Comma-separated addresses of load balancers whose X-Forwarded-For the API "
        "takes for the client's address (rate limits of anonymous requests); a request from "
        "any other peer counts for that peer.",
    )
    nginx_executable: Path = Field(
        default=Path("/usr/sbin/nginx"),
        description="The load balancer of the scaled profile (Debian's nginx-light package).",
    )
    database_pool_size: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Connections each process keeps open to a PostgreSQL app database, and at "
        "most as many again in a burst: the sum over all processes must fit max_connections.",
    )
    redis_url: str = Field(
        default="",
        description="Redis for the scaled profile, such as redis://127.0.0.1:6379/0: Rasa's "
        "conversation locks, and the rate limits and web chat pushes unless their own settings "
        "name another.",
    )

    # The web chat's push (api.chat_push) with several API replicas.
    socketio_redis_url: str = Field(
        default="",
        description="Where the API replicas share the web chat's pushes: empty for this "
        "process only (embedded profile), or a Redis URL such as redis://127.0.0.1:6379/2 so "
        "that a push reaching any replica goes to the page whichever replica holds its socket "
        "(scaled profile; no sticky routing needed).",
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'passage.db'}"

    @property
    def resolved_tracker_db(self) -> Path:
        return (
            self.tracker_db
            if str(self.tracker_db) not in {"", "."}
            else self.var_dir / "tracker.db"
        )

    @property
    def resolved_tracker_url(self) -> str:
        return self.tracker_url or f"sqlite:///{self.resolved_tracker_db.absolute()}"

    @property
    def scaled(self) -> bool:
        """The scaled profile: Rasa's tracker on a server database with conversations locked in
        Redis, ready for replicas (nginx in front when there are several)."""
        return self.replicas > 1 or bool(self.tracker_url)

    @property
    def resolved_rate_limit_storage_uri(self) -> str:
        """Empty means this process's memory."""
        return self.rate_limit_storage_uri or self.redis_url

    @property
    def resolved_socketio_redis_url(self) -> str:
        """Empty means this process only."""
        return self.socketio_redis_url or self.redis_url

    @property
    def resolved_argos_packages_dir(self) -> Path:
        """Where the machine translation models are installed and read from."""
        configured = self.argos_packages_dir
        return self.var_dir / "argos-packages" if str(configured) in {"", "."} else configured

    def as_environment(self) -> dict[str, str]:
        """These settings as PASSAGE_* variables, so child processes see the same configuration."""
        return {
            f"PASSAGE_{name.upper()}": str(value)
            for name, value in self.model_dump().items()
            if value is not None
        }

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from_number)

    @property
    def sms_mode(self) -> SmsMode:
        if self.twilio_configured:
            return SmsMode.TWILIO
        return SmsMode.SANDBOX if self.sms_sandbox_token else SmsMode.OFF

    @property
    def sms_account(self) -> SmsAccount | None:
        """Whom SMS are sent through and whose signature inbound webhooks carry; None: off."""
        mode = self.sms_mode
        if mode is SmsMode.TWILIO:
            return SmsAccount(
                self.twilio_account_sid,
                self.twilio_auth_token,
                self.twilio_from_number,
                self.twilio_api_base,
            )
        if mode is SmsMode.SANDBOX:
            digest = hashlib.sha256(self.sms_sandbox_token.encode()).hexdigest()[:32]
            return SmsAccount(
                f"AC{digest}",
                self.sms_sandbox_token,
                SANDBOX_FROM_NUMBER,
                self.sms_sandbox_url,
            )
        return None

    @property
    def telegram_configured(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def sms_webhook_token(self) -> str:
        """The auth token Twilio (or the sandbox) signs its webhooks with; "" when none."""
        if self.twilio_auth_token:
            return self.twilio_auth_token
        return self.sms_sandbox_token

    @property
    def sms_sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sms_sandbox_port}"

    @property
    def resolved_public_base_url(self) -> str:
        return (self.public_base_url or f"http://{self.host}:{self.api_port}").rstrip("/")

    @property
    def resolved_rasa_url(self) -> str:
        return (self.rasa_url or f"http://{self.host}:{self.rasa_port}").rstrip("/")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
