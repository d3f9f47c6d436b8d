"""Questionnaire versions through the console: administrators list and publish.

Publishing checks the document, stores it as the unit's next version and
appends the ``questionnaire_published`` audit entry in one transaction
(:mod:`vault.questionnaires`); inspectors and auditors may do neither.
"""

from __future__ import annotations

from typing import Any

from vault import questionnaires
from vault.console_access import ConsoleAccess
from vault.database import opened
from vault.questionnaires import QuestionnaireVersion
from vault.staff import Role, StaffUser
from vault.units import get_unit


class ConsoleQuestionnaires(ConsoleAccess):
    def questionnaire_versions(self, user: StaffUser, unit_id: str) -> list[QuestionnaireVersion]:
        """The unit's published versions, oldest first (administrators)."""
        with opened(self.database_path) as db:
            self._fresh(db, user, Role.ADMIN)
            get_unit(db, unit_id)  # NotFound for an unknown unit
            return questionnaires.versions(db, unit_id)

    def publish_questionnaire(
        self, user: StaffUser, unit_id: str, document: dict[str, Any]
    ) -> QuestionnaireVersion:
        """Publish ``document`` as the unit's next version, audited (administrators)."""
        today = self.today()
        with opened(self.database_path) as db:
            admin = self._fresh(db, user, Role.ADMIN)
            return questionnaires.publish(db, unit_id, document, actor=admin.username, today=today)
