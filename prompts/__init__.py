"""The agent as Retell sees it: the receptionist prompt and the tool definitions, generated
from the same argument models the server validates with (``python -m prompts.retell_config``)."""
