{{/* The release's resource name prefix. */}}
{{- define "citizen-bot.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "citizen-bot.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one role: include with (dict "root" $ "role" "web"). */}}
{{- define "citizen-bot.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{- define "citizen-bot.secretName" -}}
{{- default (printf "%s-credentials" (include "citizen-bot.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{- define "citizen-bot.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}

{{/*
The pod template of one role: include with (dict "root" $ "role" "web" "spec" .Values.web). Both roles run
the same image and read the same ConfigMap and Secret; ROLE and the role's own settings come from its `env`.
*/}}
{{- define "citizen-bot.pod" -}}
{{- $root := .root -}}
metadata:
  labels:
    {{- include "citizen-bot.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .role }}
  annotations:
    # A changed setting or credential rolls the pods (the bot reads its environment once, at start).
    checksum/env: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
spec:
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
  containers:
    - name: bot
      image: {{ include "citizen-bot.image" $root | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      envFrom:
        - configMapRef:
            name: {{ include "citizen-bot.fullname" $root }}-env
        - secretRef:
            name: {{ include "citizen-bot.secretName" $root }}
      env:
        {{- range $name, $value := .spec.env }}
        - name: {{ $name }}
          value: {{ $value | toString | quote }}
        {{- end }}
      ports:
        {{- if eq .role "web" }}
        - name: http
          containerPort: {{ .spec.port }}
        {{- end }}
        - name: metrics
          containerPort: {{ $root.Values.env.METRICS_PORT | int }}
      {{- if eq .role "web" }}
      # Started: the classifier is trained and the channels are up (it answers 503 until then).
      startupProbe:
        httpGet: { path: /readyz, port: http }
        periodSeconds: 5
        failureThreshold: 60
      livenessProbe:
        httpGet: { path: /healthz, port: http }
        periodSeconds: 20
        timeoutSeconds: 5
        failureThreshold: 3
      # Redis and SQL only: a channel that is down (an unpaired WhatsApp) is reported on /healthz/channels.
      readinessProbe:
        httpGet: { path: /readyz, port: http }
        periodSeconds: 10
        timeoutSeconds: 5
        failureThreshold: 3
      {{- else }}
      # A worker has no web port; its metrics server answers from early in its start.
      startupProbe:
        tcpSocket: { port: metrics }
        periodSeconds: 5
        failureThreshold: 60
      livenessProbe:
        httpGet: { path: /metrics, port: metrics }
        periodSeconds: 30
        timeoutSeconds: 10
        failureThreshold: 3
      {{- end }}
      lifecycle:
        preStop:
          exec:
            command: ["sleep", "{{ $root.Values.preStopSleepSeconds }}"]
      resources:
        {{- toYaml .spec.resources | nindent 8 }}
      volumeMounts:
        - name: data
          mountPath: {{ $root.Values.env.DATA_DIR }}
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: data
      {{- if $root.Values.persistence.enabled }}
      persistentVolumeClaim:
        claimName: {{ default (printf "%s-data" (include "citizen-bot.fullname" $root)) $root.Values.persistence.existingClaim }}
      {{- else }}
      emptyDir: {}
      {{- end }}
    - name: tmp
      emptyDir: {}
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
