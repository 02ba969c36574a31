<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
    <context>
        <name>ConfirmationScreen</name>
        <message numerus="yes">
            <location filename="../screens/confirmation.py" line="+97" />
            <source>%n item(s) · total %1 · %2</source>
            <translation>
                <numerusform>%n item · total %1 · %2</numerusform>
                <numerusform>%n items · total %1 · %2</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MyOrdersScreen</name>
        <message numerus="yes">
            <location filename="../screens/myorders.py" line="+147" />
            <source>%n order(s) for %1</source>
            <translation>
                <numerusform>%n order for %1</numerusform>
                <numerusform>%n orders for %1</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SearchScreen</name>
        <message numerus="yes">
            <location filename="../screens/browse.py" line="+141" />
            <source>%n product(s) found</source>
            <translation>
                <numerusform>%n product found</numerusform>
                <numerusform>%n products found</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SyncIndicator</name>
        <message numerus="yes">
            <location filename="../bridge.py" line="+123" />
            <source>%n order(s) waiting to send</source>
            <translation>
                <numerusform>%n order waiting to send</numerusform>
                <numerusform>%n orders waiting to send</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+5" />
            <source>%n item(s) for the owner</source>
            <translation>
                <numerusform>%n item for the shop owner</numerusform>
                <numerusform>%n items for the shop owner</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>TopBar</name>
        <message numerus="yes">
            <location filename="../widgets.py" line="+321" />
            <source>Cart (%n)</source>
            <translation>
                <numerusform>Cart (%n)</numerusform>
                <numerusform>Cart (%n)</numerusform>
            </translation>
        </message>
    </context>
</TS>
