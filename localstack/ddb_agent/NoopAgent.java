// LocalStack starts DynamoDB Local with -javaagent:ddb-local-loader-0.1.jar, an agent it would download
// (it lifts DynamoDB Local's limit of 20 GSIs per table). Offline we cannot download it and the gateway
// needs no more than two GSIs per table, so this agent does nothing: it only has to exist and load.
public final class NoopAgent {
    private NoopAgent() {}

    public static void premain(String args) {}
}
