from django.urls import path

from admissions import views, views_honours

urlpatterns = [
    path("lists/", views.admission_lists, name="admission-lists"),
    path("tasks/", views.task_list, name="admission-tasks"),
    path("tasks/new/", views.task_new, name="admission-task-new"),
    path("tasks/check/", views.task_check, name="admission-task-check"),
    path("tasks/report/", views.task_report, name="admission-task-report"),
    path("honours/", views_honours.honours_list, name="honours"),
    path("honours/new/", views_honours.honours_new, name="honours-new"),
    path("honours/<int:pk>/", views_honours.honours_detail, name="honours-page"),
    path("honours/<int:pk>/edit/", views_honours.honours_edit, name="honours-edit"),
]
