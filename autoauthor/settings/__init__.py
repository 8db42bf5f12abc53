"""Auto Author settings: every value is read from the environment exactly once, in this package.

`DJANGO_SETTINGS_MODULE=autoauthor.settings` composes the parts: `environment` (BASE_DIR, the
.env file and the readers), `base` (Django core, auth, security, files, logging), `database`
(MongoDB, Redis, caches), `api` (rate limits, concurrency caps, REST framework, OpenAPI) and
`integrations` (AI provider, exports, background jobs). A part imports the values of another that
it needs. See `.env.example` for the documented variables and their defaults.
"""

from autoauthor.settings.api import *  # noqa: F403
from autoauthor.settings.base import *  # noqa: F403
from autoauthor.settings.database import *  # noqa: F403
from autoauthor.settings.environment import *  # noqa: F403
from autoauthor.settings.integrations import *  # noqa: F403
