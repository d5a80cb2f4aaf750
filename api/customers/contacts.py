"""Contacts of an organization: persons linked to it with their role there."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.access import Principal
from api.core.errors import Conflict, NotFound, ValidationFailed, field_error
from api.core.ids import new_id
from api.customers import repository
from api.customers.models import Customer, CustomerContact
from api.customers.schemas import ContactCreate, ContactRead, CustomerSummary


async def _organization(session: AsyncSession, principal: Principal, org_id: uuid.UUID) -> Customer:
    org = await repository.get_visible(session, principal, org_id, children=False)
    if org is None:
        raise NotFound("No such customer.")
    if org.kind != "organization":
        raise ValidationFailed("Only organizations have contacts.")
    return org


async def list_contacts(session: AsyncSession, principal: Principal, org_id: uuid.UUID) -> list[ContactRead]:
    """The organization's contacts that the caller may see."""
    await _organization(session, principal, org_id)
    rows = (await session.execute(
        select(CustomerContact, Customer)
        .join(Customer, Customer.id == CustomerContact.person_id)
        .where(CustomerContact.organization_id == org_id,
               Customer.id.in_(repository.visible_customers(principal).with_only_columns(Customer.id)))
        .order_by(Customer.normalized_name, Customer.id)
        .limit(500)
    )).all()
    return [ContactRead(organization_id=link.organization_id, person_id=link.person_id, role=link.role,
                        person=CustomerSummary.model_validate(person)) for link, person in rows]


async def add_contact(session: AsyncSession, principal: Principal, org_id: uuid.UUID,
                      data: ContactCreate) -> CustomerContact:
    """Link a person to an organization (both must be visible to the caller)."""
    await _organization(session, principal, org_id)
    person = await repository.get_visible(session, principal, data.person_id, children=False)
    if person is None or person.kind != "person":
        raise ValidationFailed("The contact must be a person you can see.", errors=[
            field_error(["body", "person_id"], "person_not_found", "no such person")])
    exists = await session.scalar(select(CustomerContact.id).where(
        CustomerContact.organization_id == org_id, CustomerContact.person_id == data.person_id))
    if exists:
        raise Conflict("This person is already a contact of the organization.")
    link = CustomerContact(id=new_id(), organization_id=org_id, person_id=data.person_id, role=data.role)
    session.add(link)
    await session.flush()
    return link


async def remove_contact(session: AsyncSession, principal: Principal, org_id: uuid.UUID,
                         person_id: uuid.UUID) -> None:
    await _organization(session, principal, org_id)
    link = await session.scalar(select(CustomerContact).where(
        CustomerContact.organization_id == org_id, CustomerContact.person_id == person_id))
    if link is None:
        raise NotFound("No such contact.")
    await session.delete(link)
    await session.flush()


