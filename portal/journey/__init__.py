"""One journey through a form, whoever walks it and wherever its answers live.

The citizen's wizard (portal.wizard) and the designer's preview
(portal.designer.preview) are the same controller over an answer store: a
citizen's draft in the database, or a designer's preview answers. They differ
only in the store, the links (an Adapter) and what "send" does.

- progress.py: which steps apply, which are done, where to go next (Journey)
- store.py: what an answer store offers, and how a step's write merges into it
- controller.py: the step pages, the entries of repeating steps, the summary
"""

from .controller import Adapter, Detour, JourneyController
from .progress import Journey
from .store import AnswersChanged, AnswerStore

__all__ = ["Adapter", "AnswerStore", "AnswersChanged", "Detour", "Journey", "JourneyController"]
