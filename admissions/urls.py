from django.urls import path

from admissions import views

urlpatterns = [
    path("lists/", views.admission_lists, name="admission-lists"),
    path("tasks/", views.task_list, name="admission-tasks"),
    path("tasks/new/", views.task_new, name="admission-task-new"),
    path("tasks/check/", views.task_check, name="admission-task-check"),
    path("tasks/report/", views.task_report, name="admission-task-report"),
]
