"""Factories for the community directory: tests here and in the Support Sequence."""

from __future__ import annotations

import factory
from django.utils import timezone

from .models import CommunityResource, Organisation, ResourceLocation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    source = "test-feed"
    source_id = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Community Organisation {n}")
    description = "A local charity."


class CommunityResourceFactory(factory.django.DjangoModelFactory):
    """A resource made directly (not through an import). The search index is kept in
    step by the database, so factory-made resources are found by search too."""

    class Meta:
        model = CommunityResource

    source = "test-feed"
    source_id = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Community group {n}")
    description = "A friendly weekly group."
    organisation = factory.SubFactory(OrganisationFactory)
    status = "active"
    imported_at = factory.LazyFunction(timezone.now)
    search_keywords = factory.LazyAttribute(lambda o: o.organisation.name if o.organisation else "")


class ResourceLocationFactory(factory.django.DjangoModelFactory):
    """A location; like the importer, it adds the place to the resource's search text."""

    class Meta:
        model = ResourceLocation
        skip_postgeneration_save = True

    resource = factory.SubFactory(CommunityResourceFactory)
    name = "Community hall"
    address = "1 High Street"
    town = "Scunthorpe"
    postcode = "DN15 6XX"
    postcode_district = "DN15"

    @factory.post_generation
    def add_to_search_text(self, create, extracted, **kwargs):
        if not create:
            return
        resource = self.resource
        words = [self.name, self.address, self.town, self.postcode, self.postcode_district]
        resource.place_text = "\n".join(p for p in [resource.place_text, *words] if p)
        resource.save(update_fields=["place_text"])
