"""All tables of the portal; importing this module registers them on SQLModel.metadata."""
from portal.models.accounts import Account, OneTimeCode, RecoveryCode, Role, SignInFlow, UserSession
from portal.models.appointments import Appointment, AppointmentAnswer, AppointmentResponse, AppointmentStatus
from portal.models.audit import AuditCheckpoint, AuditEvent
from portal.models.children import ChildAccountDecision, ChildPlan, ChildWords
from portal.models.circle import CircleAnswer, Commitment, NamedInAgreement, NetworkMember
from portal.models.identity import IdentityProvider, ProviderSignIn, StaffIdentity  # noqa: F401
from portal.models.interpreting import ParentTextRendering, TranslationJob, TranslationSegment
from portal.models.notifications import OutboxMessage
from portal.models.people import (
    Absence,
    BreakGlass,
    CaseClosure,
    DuoAssignment,
    DuoRole,
    Family,
    FamilyMember,
    Interpreter,
    InterpreterTeam,
    Parent,
    Team,
    Worker,
    WorkingHours,
)
from portal.models.plans import (
    Acknowledgement,
    Answer,
    ParentVersion,
    PlanItem,
    PlanQuestion,
    PlanSection,
    PlanVersion,
    SafetyAgreement,
    SafetyPlan,
    UnsafeKind,
    UnsafeSituation,
    VersionStatus,
)
from portal.models.schedule import ScheduledJob
from portal.models.signals import (
    MatchKey,
    Partner,
    PartnerKind,
    PartnerOrganisation,
    PartnerToken,
    ProfessionalNetwork,
    Signal,
    SignalAddition,
    SignalCandidate,
    SignalState,
    Urgency,
)

__all__ = [
    "Absence", "Account", "Acknowledgement", "Answer", "Appointment", "AppointmentAnswer", "AppointmentResponse",
    "AppointmentStatus", "AuditCheckpoint", "AuditEvent", "BreakGlass", "CaseClosure", "ChildAccountDecision",
    "ChildPlan", "ChildWords", "CircleAnswer", "Commitment", "DuoAssignment", "DuoRole", "Family", "FamilyMember",
    "Interpreter", "InterpreterTeam", "MatchKey", "NamedInAgreement", "NetworkMember", "OneTimeCode",
    "OutboxMessage", "Parent", "ParentTextRendering", "ParentVersion", "Partner", "PartnerKind",
    "PartnerOrganisation", "PartnerToken", "PlanItem", "PlanQuestion", "PlanSection", "PlanVersion",
    "ProfessionalNetwork", "RecoveryCode", "Role", "SafetyAgreement", "SafetyPlan", "ScheduledJob", "SignInFlow",
    "Signal", "SignalAddition", "SignalCandidate", "SignalState", "Team", "TranslationJob", "TranslationSegment",
    "UnsafeKind", "UnsafeSituation", "Urgency", "UserSession", "VersionStatus", "Worker", "WorkingHours",
]
