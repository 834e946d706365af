"""The product's vocabularies, shared by models, forms, the API and imports."""

from django.db import models


class MealType(models.TextChoices):
    BREAKFAST = "breakfast", "Breakfast"
    BRUNCH = "brunch", "Brunch"
    LUNCH = "lunch", "Lunch"
    DINNER = "dinner", "Dinner"
    SNACKS = "snacks", "Snacks"
    DRINKS = "drinks", "Drinks"
    DESSERT = "dessert", "Dessert"
    LATE_NIGHT = "late_night", "Late night"
    GROCERIES = "groceries", "Groceries"
    OTHER = "other", "Other"


class OrderType(models.TextChoices):
    DINE_IN = "dine_in", "Dine in"
    TAKEOUT = "takeout", "Takeout"
    DELIVERY = "delivery", "Delivery"
    DRIVE_THRU = "drive_thru", "Drive-thru"
    CATERING = "catering", "Catering"
    OTHER = "other", "Other"


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card"
    CORPORATE_CARD = "corporate_card", "Corporate card"
    CASH = "cash", "Cash"
    MOBILE = "mobile", "Mobile wallet"
    VOUCHER = "voucher", "Voucher"
    OTHER = "other", "Other"


class ExpenseStatus(models.TextChoices):
    RECORDED = "recorded", "Recorded"  # personal expenses: no approval flow
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SECOND_REVIEW = "second_review", "Awaiting finance"  # approved by the manager, finance approves too
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    REIMBURSED = "reimbursed", "Reimbursed"


BUSINESS_STATUSES = [
    ExpenseStatus.DRAFT,
    ExpenseStatus.SUBMITTED,
    ExpenseStatus.SECOND_REVIEW,
    ExpenseStatus.APPROVED,
    ExpenseStatus.REJECTED,
    ExpenseStatus.REIMBURSED,
]

# The approval workflow: from-status -> statuses it may move to.
TRANSITIONS = {
    ExpenseStatus.DRAFT: {ExpenseStatus.SUBMITTED},
    ExpenseStatus.SUBMITTED: {ExpenseStatus.APPROVED, ExpenseStatus.SECOND_REVIEW, ExpenseStatus.REJECTED},
    ExpenseStatus.SECOND_REVIEW: {ExpenseStatus.APPROVED, ExpenseStatus.REJECTED},
    ExpenseStatus.REJECTED: {ExpenseStatus.SUBMITTED},
    ExpenseStatus.APPROVED: {ExpenseStatus.REIMBURSED},
    ExpenseStatus.REIMBURSED: set(),
    ExpenseStatus.RECORDED: set(),
}


class ServiceLevel(models.TextChoices):
    FINE_DINING = "fine_dining", "Fine dining"
    CASUAL_DINING = "casual_dining", "Casual dining"
    FAST_CASUAL = "fast_casual", "Fast casual"
    QUICK_SERVICE = "quick_service", "Quick service"


class MerchantFormat(models.TextChoices):
    STANDARD_RESTAURANT = "standard_restaurant", "Standard restaurant"
    FAST_FOOD_UNIT = "fast_food_unit", "Fast food unit"
    DRIVE_IN = "drive_in", "Drive-in"
    DINER = "diner", "Diner"
    BUFFET_CAFETERIA = "buffet_cafeteria", "Buffet / cafeteria"
    DELI_CAFE = "deli_cafe", "Deli / café"
    BAKERY_SPECIALTY = "bakery_specialty", "Bakery / specialty"
    CONVENIENCE_GAS_STATION = "convenience_gas_station", "Convenience / gas station"
    MALL_FOOD_COURT = "mall_food_court", "Mall food court"
    FOOD_TRUCK_MOBILE = "food_truck_mobile", "Food truck / mobile"
    GHOST_KITCHEN = "ghost_kitchen", "Ghost kitchen"
    KIOSK_POP_UP = "kiosk_pop_up", "Kiosk / pop-up"
    DINNER_THEATER_CINEMA = "dinner_theater_cinema", "Dinner theater / cinema"
    PUB_TAVERN_BAR = "pub_tavern_bar", "Pub / tavern / bar"
    CLUBHOUSE_PRIVATE_VENUE = "clubhouse_private_venue", "Clubhouse / private venue"
    OTHER = "other", "Other"


class RateSource(models.TextChoices):
    """Where the exchange rate of a meal came from."""

    SAME = "same", "No conversion"  # the meal is in the reporting currency
    TYPED = "typed", "Typed by the member"
    CARD = "card", "Card statement"  # derived from the amount the card charged
    STORED = "stored", "Stored reference rate"  # the stored (ECB) rate of the day


DEFAULT_CATEGORIES = [
    # name, colour, icon
    ("Restaurants", "#0d6efd", "utensils"),
    ("Groceries", "#198754", "basket-shopping"),
    ("Drinks", "#6f42c1", "martini-glass"),
    ("Fast Food", "#fd7e14", "burger"),
    ("Entertainment", "#d63384", "film"),
    ("Snacks & Vending", "#ffc107", "cookie"),
    ("Other", "#6c757d", "circle-question"),
]
