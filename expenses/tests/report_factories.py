"""Factories for expense reports, their bundles and reimbursement batches."""

import datetime

import factory

from accounts.tests.factories import FinanceFactory, UserFactory
from expenses.models import ExpenseReport, ReimbursementBatch


class ExpenseReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpenseReport

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    purpose = "Client visits"


class ReimbursementBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReimbursementBatch

    created_by = factory.SubFactory(FinanceFactory)
    reference = factory.Sequence(lambda n: f"PAY-{n:05d}")
    payout_date = factory.LazyFunction(datetime.date.today)
