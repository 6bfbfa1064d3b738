"""The entity features of the window: tagging, highlights, the entities dock, the entity page, the review
queue of found mentions, merge and delete. ``controller.EntitiesController`` ties them to the window."""
