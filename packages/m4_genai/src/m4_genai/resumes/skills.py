"""A skills vocabulary: the many spellings of one skill mapped to one canonical name.

Resumes write the same skill a dozen ways ("Postgres", "PostgreSQL", "postgresql"; "k8s",
"Kubernetes", "EKS"). A must-have filter can only compare like with like, so both the resume and
the job description go through the same table: each canonical skill has a regular expression of
its spellings, matched case-insensitively between "skill boundaries" (a plain ``\\b`` would let
``C`` match inside ``C++`` and ``Java`` inside ``JavaScript``).

A few names are ordinary words too ("Go", "Express", "C"): those are matched case-sensitively.
``IMPLIES`` then adds what a skill entails: someone who builds Tableau dashboards does data
visualisation; a FastAPI developer builds REST APIs; a PyTorch user does machine learning.
"""

from __future__ import annotations

import re

SKILLS: dict[str, str] = {
    # languages
    "Python": r"python",
    "Java": r"java",
    "JavaScript": r"javascript|js",
    "TypeScript": r"typescript",
    "C++": r"c\+\+",
    "C#": r"c#",
    "Ruby": r"ruby",
    "Kotlin": r"kotlin",
    "Swift": r"swift|swiftui",
    "Objective-C": r"objective-c",
    "SQL": r"sql|t-sql|pl/sql",
    "Bash": r"bash|shell scripting",
    "Scala": r"scala",
    "Rust": r"rust",
    "PHP": r"php",
    # web back end
    "FastAPI": r"fastapi",
    "Django": r"django(?: rest framework)?",
    "Flask": r"flask",
    "Spring Boot": r"spring boot",
    "Node.js": r"node\.?js|node",
    "Ruby on Rails": r"ruby on rails|rails",
    "GraphQL": r"graphql",
    "REST APIs": r"rest(?:ful)?(?: apis?| services?| endpoints?)|apis?",
    "gRPC": r"grpc",
    "Celery": r"celery",
    "SQLAlchemy": r"sqlalchemy",
    # web front end
    "React": r"react(?:\.?js)?",
    "Next.js": r"next\.?js",
    "Redux": r"redux",
    "Vue.js": r"vue(?:\.?js)?",
    "Angular": r"angular(?:js)?",
    "HTML": r"html5?",
    "CSS": r"css3?|scss|sass|tailwind",
    "Storybook": r"storybook",
    "Webpack": r"webpack|vite",
    "accessibility": r"accessibility|accessible|wcag(?: [\d.]+)?|a11y",
    "Figma": r"figma",
    # testing
    "pytest": r"pytest",
    "Jest": r"jest",
    "Cypress": r"cypress",
    "Playwright": r"playwright",
    "Selenium": r"selenium",
    # data
    "PostgreSQL": r"postgres(?:ql)?",
    "MySQL": r"mysql",
    "SQLite": r"sqlite",
    "MongoDB": r"mongo(?:db)?",
    "Redis": r"redis",
    "Oracle": r"oracle",
    "Snowflake": r"snowflake",
    "BigQuery": r"bigquery",
    "Redshift": r"redshift",
    "Kafka": r"kafka",
    "Spark": r"(?:py)?spark",
    "Airflow": r"airflow",
    "dbt": r"dbt",
    "pandas": r"pandas",
    "NumPy": r"numpy",
    "Excel": r"excel|vlookup|pivot tables?",
    "Tableau": r"tableau",
    "Power BI": r"power ?bi|dax",
    "statistics": r"statistics|statistical|regression(?: analys[ie]s)?",
    "A/B testing": r"a/b test(?:s|ing)?|experimentation",
    "data visualization": r"data visuali[sz]ation|dashboards?",
    # machine learning
    "machine learning": r"machine learning|ml",
    "deep learning": r"deep learning|neural (?:networks?|machine translation)",
    "PyTorch": r"pytorch|torch",
    "TensorFlow": r"tensorflow|keras",
    "scikit-learn": r"scikit-learn|sklearn",
    "XGBoost": r"xgboost|lightgbm",
    "Hugging Face": r"hugging ?face(?: transformers)?",
    "NLP": r"nlp|natural language processing",
    "LLMs": r"llms?|(?:large )?language models?",
    "computer vision": r"computer vision|opencv|image models?",
    "MLOps": r"mlops|mlflow|kubeflow|model registry|experiment tracking",
    # infrastructure
    "Docker": r"docker(?:files?)?|containeri[sz]ed|containers?",
    "Kubernetes": r"kubernetes|k8s|eks|gke|helm",
    "Terraform": r"terraform",
    "AWS": r"aws|amazon web services|sagemaker|ecs|s3",
    "GCP": r"gcp|google cloud",
    "Azure": r"azure",
    "Linux": r"linux",
    "Git": r"git|github|gitlab",
    "CI/CD": r"ci/cd|ci|github actions|gitlab ci|jenkins|argo cd",
    "Ansible": r"ansible",
    "Prometheus": r"prometheus|grafana",
}
"""Canonical skill → its spellings (a regex, matched case-insensitively)."""

CASE_SENSITIVE: dict[str, str] = {
    "Go": r"Go(?!\s+to\b)|Golang",
    "C": r"C(?![+#])",
    "Express": r"Express(?:\.js)?",
}
"""Skills whose names are also ordinary words: matched only when written with a capital."""

IMPLIES: dict[str, tuple[str, ...]] = {
    "Tableau": ("data visualization",),
    "Power BI": ("data visualization",),
    "FastAPI": ("REST APIs", "Python"),
    "Django": ("REST APIs", "Python"),
    "Flask": ("REST APIs", "Python"),
    "Express": ("REST APIs", "Node.js"),
    "Spring Boot": ("REST APIs", "Java"),
    "Ruby on Rails": ("REST APIs", "Ruby"),
    "Next.js": ("React",),
    "Redux": ("JavaScript",),
    "TypeScript": ("JavaScript",),
    "React": ("JavaScript",),
    "PyTorch": ("machine learning", "deep learning"),
    "TensorFlow": ("machine learning", "deep learning"),
    "scikit-learn": ("machine learning",),
    "XGBoost": ("machine learning",),
    "Hugging Face": ("machine learning",),
    "deep learning": ("machine learning",),
    "PostgreSQL": ("SQL",),
    "MySQL": ("SQL",),
    "SQLite": ("SQL",),
    "Snowflake": ("SQL",),
    "BigQuery": ("SQL",),
    "Redshift": ("SQL",),
}
"""A skill → the skills it entails (applied once, not transitively, to stay predictable)."""

# A skill boundary: not preceded or followed by a letter, digit or one of + # (so "c" is not in
# "c++", "java" not in "javascript"); a dot may follow ("React." at the end of a sentence).
_LEFT, _RIGHT = r"(?<![\w+#/.-])", r"(?![\w+#]|-\w|\.\w)"
_PATTERNS: dict[str, re.Pattern[str]] = {
    **{name: re.compile(f"{_LEFT}(?:{alts}){_RIGHT}", re.I) for name, alts in SKILLS.items()},
    **{name: re.compile(f"{_LEFT}(?:{alts}){_RIGHT}") for name, alts in CASE_SENSITIVE.items()},
}


def canonical(name: str) -> str | None:
    """The canonical spelling of a skill written any known way, or None if it is not known.

    >>> canonical("postgres"), canonical("k8s"), canonical("basket weaving")
    ('PostgreSQL', 'Kubernetes', None)
    """
    found = find_skills(name, implied=False)
    return found[0] if len(found) == 1 else None


def find_skills(text: str, implied: bool = True) -> list[str]:
    """Every known skill mentioned in ``text`` (canonical names, sorted), plus what they imply.

    >>> find_skills("Built APIs in FastAPI on Postgres; some Go and C++.")
    ['C++', 'FastAPI', 'Go', 'PostgreSQL', 'Python', 'REST APIs', 'SQL']
    """
    found = {name for name, pattern in _PATTERNS.items() if pattern.search(text)}
    if implied:
        found |= {extra for name in list(found) for extra in IMPLIES.get(name, ())}
    return sorted(found, key=str.lower)
