from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class NotificationFrequency(models.TextChoices):
    """How a person receives the e-mails that ask them to act (moderation, decisions)."""

    IMMEDIATE = "immediate", _("immédiat")
    DAILY = "daily", _("un résumé par jour")


class User(AbstractUser):
    """A person with an account: an organiser's editor, a coordinator, platform staff."""

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    email_verified_at = models.DateTimeField(_("adresse vérifiée le"), null=True, blank=True)
    notification_frequency = models.CharField(
        _("courriels de suivi"), max_length=10, choices=NotificationFrequency.choices,
        default=NotificationFrequency.IMMEDIATE,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@", 1)[0]


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("en cours d’envoi")
    SENDING = "sending", _("en cours d’envoi")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("non envoyé")


class EmailKind(models.TextChoices):
    REGISTRATION = "registration", _("inscription")
    MESSAGE = "message", _("message de l’organisateur")
    ACCOUNT = "account", _("compte")
    INVITATION = "invitation", _("invitation")
    NOTIFICATION = "notification", _("suivi de la modération")


class Email(models.Model):
    """One e-mail to send: kept until it is sent (then for a day), retried with a growing delay,
    and, when it finally cannot be sent, shown to whoever caused it (see ``outbox``).

    Either its ``body`` is written when it is queued, or it is a registrant's e-mail rendered by
    the worker from ``registration``, ``template`` and ``extra`` (with the .ics if ``with_ics``)."""

    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    attachments = models.JSONField(null=True, blank=True)
    registration = models.ForeignKey("registrations.Registration", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="emails")
    template = models.CharField(max_length=40, blank=True)
    with_ics = models.BooleanField(default=False)
    extra = models.JSONField(default=dict, blank=True)
    event = models.ForeignKey("agenda.Event", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="emails")
    organisation = models.ForeignKey("organisers.Organisation", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="emails")
    batch = models.UUIDField(null=True, blank=True, help_text="the e-mails of one message")
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="email_due"),
            models.Index(fields=["event", "status"], name="email_event_status"),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject} ({self.status})"


class NotificationBatch(models.TextChoices):
    """Which e-mail a waiting notification goes out in."""

    DAILY = "daily", _("résumé du jour")
    SUBMISSIONS = "submissions", _("soumissions récentes")


class Notification(models.Model):
    """One thing a person must know or act on, waiting for the e-mail that gathers several: their
    daily summary, or the coordinators' e-mail of recent submissions (see ``notifications``).
    Deleted once its e-mail is in the outbox."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications")
    batch = models.CharField(max_length=12, choices=NotificationBatch.choices)
    subject = models.CharField(max_length=255)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notification en attente")
        verbose_name_plural = _("notifications en attente")
        indexes = [models.Index(fields=["batch", "created_at"], name="notification_due")]

    def __str__(self):
        return f"{self.user}: {self.batch}"
