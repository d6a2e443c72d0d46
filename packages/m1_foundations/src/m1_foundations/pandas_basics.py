"""Week 2: tabular data with Pandas, on the real Titanic passenger list and a real time series.

Each function is one day of the roadmap and returns a DataFrame/Series you can inspect. The
column names are the registry's: ``pclass`` ('1st'/'2nd'/'3rd'), ``survived`` ('survived'/'died'),
``sex``, ``age`` (263 missing), ``sibsp`` (siblings/spouses aboard), ``parch`` (parents/children).
"""

from __future__ import annotations

import pandas as pd


# Day 8: Series vs DataFrame.
def survived_flag(titanic: pd.DataFrame) -> pd.Series:
    """A Series: one labelled column. Models need numbers, so 'survived'/'died' → 1/0."""
    return (titanic["survived"] == "survived").astype("int64").rename("survived_flag")


# Day 9: loc (labels and conditions) vs iloc (positions).
def select_examples(titanic: pd.DataFrame) -> dict[str, pd.DataFrame | pd.Series]:
    """``iloc`` counts positions like a list; ``loc`` filters by labels and boolean conditions."""
    return {
        "first_five_ages": titanic.iloc[0:5, titanic.columns.get_loc("age")],
        "adults_in_first": titanic.loc[(titanic["age"] > 25) & (titanic["pclass"] == "1st")],
        "features": titanic.loc[:, ["pclass", "sex", "age"]],  # X
        "target": titanic.loc[:, "survived"],  # y
    }


# Day 10: missing data.
def missing_report(frame: pd.DataFrame) -> pd.DataFrame:
    """Count and share of missing values per column, worst first."""
    missing = frame.isna().sum()
    return (
        pd.DataFrame({"missing": missing, "share": missing / len(frame)})
        .sort_values("missing", ascending=False)
        .query("missing > 0")
    )


def impute_age_by_group(titanic: pd.DataFrame) -> pd.Series:
    """Fill missing ages with the median age of the passenger's class and sex.

    Better than one global mean: a missing 1st-class woman is more likely ~36 than ~28. ``transform``
    returns a value per row (aligned to the original index), which is what ``fillna`` needs.
    """
    group_median = titanic.groupby(["pclass", "sex"])["age"].transform("median")
    return titanic["age"].fillna(group_median)


# Day 11: groupby and describe.
def survival_by_class_and_sex(titanic: pd.DataFrame) -> pd.DataFrame:
    """Survival rate per class (rows) and sex (columns): SQL's GROUP BY, then a pivot."""
    flag = survived_flag(titanic)
    return flag.groupby([titanic["pclass"], titanic["sex"]]).mean().unstack("sex").round(3)


def age_summary(titanic: pd.DataFrame) -> pd.DataFrame:
    """``describe()`` of age per class: count, mean, std, min, quartiles, max."""
    return titanic.groupby("pclass")["age"].describe().round(1)


# Day 12: apply and one-hot encoding.
def add_features(titanic: pd.DataFrame) -> pd.DataFrame:
    """Family size, travelling alone, and an age band via ``apply`` (a Python function per value)."""
    out = titanic.copy()
    out["family_size"] = out["sibsp"] + out["parch"] + 1
    out["alone"] = (out["family_size"] == 1).astype("int64")
    out["age_band"] = out["age"].apply(
        lambda age: (
            "unknown"
            if pd.isna(age)
            else "child"
            if age < 16
            else "adult"
            if age < 60
            else "senior"
        )
    )
    return out


def one_hot(titanic: pd.DataFrame) -> pd.DataFrame:
    """``get_dummies`` turns 'male'/'female' and '1st'/'2nd'/'3rd' into 0/1 columns."""
    return pd.get_dummies(titanic[["sex", "pclass"]], dtype="int64")


# Day 13: merge and concat.
def merge_group_rates(titanic: pd.DataFrame) -> pd.DataFrame:
    """Left-join each passenger with their class's survival rate (a table joined back by key)."""
    rates = survived_flag(titanic).groupby(titanic["pclass"]).mean().rename("class_survival_rate")
    return pd.merge(titanic, rates.reset_index(), on="pclass", how="left", validate="many_to_one")


def split_and_concat(titanic: pd.DataFrame) -> pd.DataFrame:
    """Split by sex, then stack the parts back with ``concat``: same rows, same index."""
    parts = [group for _, group in titanic.groupby("sex")]
    return pd.concat(parts).sort_index()


# Day 14: time series.
def yearly_unemployment(economics: pd.DataFrame) -> pd.DataFrame:
    """Monthly US data → yearly means with ``resample('YE')``; adds the unemployment rate in %."""
    series = economics.assign(date=pd.to_datetime(economics["date"])).set_index("date")
    series["unemployment_rate"] = 100 * series["unemploy"] / series["pop"]
    return series[["unemployment_rate", "psavert", "uempmed"]].resample("YE").mean().round(3)
